import { describe, expect, it } from 'vitest'
import { createFaultRegistry, type FaultSettings } from './registry.ts'

const settings: FaultSettings = { enabled: true, stallMs: 10_000, ratePoints: 3, rateSeconds: 60 }

function stream() {
  const applied: string[] = []
  return {
    applied,
    target: {
      drop: () => void applied.push('drop'),
      stall: () => void applied.push('stall'),
      restart: () => void applied.push('restart'),
    },
  }
}

describe('createFaultRegistry', () => {
  it("applies a fault to the owner's own connection and says how long a stall lasts", async () => {
    const faults = createFaultRegistry(settings)
    const mine = stream()
    faults.register('ada', 'c1', mine.target)

    expect(await faults.inject('ada', 'c1', 'stall')).toEqual({
      ok: true,
      accepted: { connectionId: 'c1', fault: 'stall', durationMs: 10_000 },
    })
    expect(await faults.inject('ada', 'c1', 'drop')).toMatchObject({ ok: true })
    expect(mine.applied).toEqual(['stall', 'drop'])
  })

  it("cannot reach another session's connection, even knowing its id", async () => {
    const faults = createFaultRegistry(settings)
    const theirs = stream()
    faults.register('grace', 'c1', theirs.target)

    const result = await faults.inject('ada', 'c1', 'drop')
    expect(result).toMatchObject({ ok: false, status: 404, code: 'not_found' })
    expect(theirs.applied).toEqual([])
  })

  it('forgets a connection once it is unregistered (the stream closed)', async () => {
    const faults = createFaultRegistry(settings)
    const mine = stream()
    const unregister = faults.register('ada', 'c1', mine.target)
    unregister()

    expect(await faults.inject('ada', 'c1', 'drop')).toMatchObject({ ok: false, status: 404 })
    expect(mine.applied).toEqual([])
  })

  it('refuses a fault the connection does not support, without spending quota', async () => {
    const faults = createFaultRegistry({ ...settings, ratePoints: 1 })
    const applied: string[] = []
    faults.register('ada', 'sock', { drop: () => void applied.push('drop') })

    expect(await faults.inject('ada', 'sock', 'restart')).toMatchObject({
      ok: false,
      status: 400,
      code: 'unsupported',
    })
    expect(await faults.inject('ada', 'sock', 'drop')).toMatchObject({ ok: true })
    expect(applied).toEqual(['drop'])
  })

  it('rate limits per session, across all of its connections, and says when to retry', async () => {
    const faults = createFaultRegistry(settings)
    const a = stream()
    const b = stream()
    faults.register('ada', 'c1', a.target)
    faults.register('ada', 'c2', b.target)
    faults.register('grace', 'c3', stream().target)

    for (const id of ['c1', 'c2', 'c1']) {
      expect(await faults.inject('ada', id, 'drop')).toMatchObject({ ok: true })
    }
    const refused = await faults.inject('ada', 'c2', 'drop')
    expect(refused).toMatchObject({ ok: false, status: 429, code: 'rate_limited' })
    expect(refused.ok ? 0 : refused.retryAfterSeconds).toBeGreaterThan(0)
    expect(a.applied.length + b.applied.length).toBe(3)

    // Someone else's quota is their own.
    expect(await faults.inject('grace', 'c3', 'drop')).toMatchObject({ ok: true })
  })

  it('applies nothing when turned off', async () => {
    const faults = createFaultRegistry({ ...settings, enabled: false })
    const mine = stream()
    faults.register('ada', 'c1', mine.target)

    expect(await faults.inject('ada', 'c1', 'drop')).toMatchObject({
      ok: false,
      status: 403,
      code: 'faults_disabled',
    })
    expect(mine.applied).toEqual([])
  })
})
