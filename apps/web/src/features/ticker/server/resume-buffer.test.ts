import { describe, expect, it } from 'vitest'
import { ResumeBuffer } from './resume-buffer.ts'

function filled(capacity: number, count: number) {
  const buffer = new ResumeBuffer<string>(capacity)
  for (let id = 1; id <= count; id++) buffer.push(id, `e${id}`)
  return buffer
}

describe('ResumeBuffer', () => {
  it('replays exactly the events after the given id, oldest first', () => {
    const buffer = filled(10, 8)
    expect(buffer.since(5)).toEqual({
      kind: 'replay',
      events: [
        { id: 6, value: 'e6' },
        { id: 7, value: 'e7' },
        { id: 8, value: 'e8' },
      ],
    })
  })

  it('replays nothing for a client that is up to date', () => {
    expect(filled(10, 8).since(8)).toEqual({ kind: 'replay', events: [] })
  })

  it('keeps only the newest `capacity` events', () => {
    const buffer = filled(5, 12)
    expect(buffer.oldestId).toBe(8)
    expect(buffer.headId).toBe(12)
    expect(buffer.since(7)).toEqual({
      kind: 'replay',
      events: [8, 9, 10, 11, 12].map((id) => ({ id, value: `e${id}` })),
    })
  })

  it('asks for a reset when the id is older than what it holds', () => {
    expect(filled(5, 12).since(6)).toEqual({ kind: 'reset', reason: 'too_old' })
  })

  it('asks for a reset when the id was never issued', () => {
    const buffer = filled(5, 12)
    expect(buffer.since(13)).toEqual({ kind: 'reset', reason: 'unknown' })
    expect(buffer.since(-1)).toEqual({ kind: 'reset', reason: 'unknown' })
    expect(buffer.since(Number.NaN)).toEqual({ kind: 'reset', reason: 'unknown' })
    expect(buffer.since(2.5)).toEqual({ kind: 'reset', reason: 'unknown' })
  })

  it('replays from the start for id 0 while nothing has been evicted', () => {
    const buffer = filled(10, 3)
    expect(buffer.since(0)).toMatchObject({
      kind: 'replay',
      events: [{ id: 1 }, { id: 2 }, { id: 3 }],
    })
    expect(new ResumeBuffer(4).since(0)).toEqual({ kind: 'replay', events: [] })
  })

  it('filters what it replays without changing the order', () => {
    const buffer = filled(20, 10)
    const result = buffer.since(2, (v) => Number(v.slice(1)) % 3 === 0)
    expect(result).toEqual({
      kind: 'replay',
      events: [3, 6, 9].map((id) => ({ id, value: `e${id}` })),
    })
  })

  it('refuses ids that skip, since a gap would make a replay lie', () => {
    const buffer = filled(10, 3)
    expect(() => buffer.push(5, 'e5')).toThrow(/consecutive/)
    expect(() => new ResumeBuffer(0)).toThrow(/positive integer/)
  })

  it('starts after a given id: that id is up to date, anything older is too old', () => {
    const buffer = new ResumeBuffer<string>(10, 500)
    expect(buffer.headId).toBe(500)
    expect(buffer.since(500)).toEqual({ kind: 'replay', events: [] })
    expect(buffer.since(499)).toEqual({ kind: 'reset', reason: 'too_old' })
    expect(buffer.since(501)).toEqual({ kind: 'reset', reason: 'unknown' })
    buffer.push(501, 'e501')
    expect(buffer.since(500)).toEqual({ kind: 'replay', events: [{ id: 501, value: 'e501' }] })
    expect(buffer.since(12)).toEqual({ kind: 'reset', reason: 'too_old' })
  })
})
