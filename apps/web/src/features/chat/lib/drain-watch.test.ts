import { describe, expect, it } from 'vitest'
import { createDrainWatch, HELD_AFTER_MS } from './drain-watch'

describe('createDrainWatch', () => {
  it('says nothing when an ordinary send leaves the outbox within a round trip', () => {
    let now = 0
    const watch = createDrainWatch(() => now)
    expect(watch.update([{ status: 'sending' }])).toBe(false)
    now += 40
    expect(watch.update([])).toBe(false)
    expect(watch.update([])).toBe(false)
  })

  it('says drained once messages that waited for the connection are all acknowledged', () => {
    let now = 0
    const watch = createDrainWatch(() => now)
    watch.update([{ status: 'queued' }])
    watch.update([{ status: 'queued' }, { status: 'queued' }])
    watch.update([{ status: 'sending' }, { status: 'sending' }])
    now += 50
    expect(watch.update([{ status: 'sending' }])).toBe(false)
    expect(watch.update([])).toBe(true)
    // The next ordinary send starts afresh.
    watch.update([{ status: 'sending' }])
    expect(watch.update([])).toBe(false)
  })

  it('says drained when a stalled socket held a send back longer than a round trip', () => {
    let now = 0
    const watch = createDrainWatch(() => now)
    watch.update([{ status: 'sending' }])
    now += HELD_AFTER_MS + 1
    expect(watch.update([])).toBe(true)
  })
})
