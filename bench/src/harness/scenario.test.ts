import { describe, expect, it } from 'vitest'
import { placeRows, type Beside } from './scenario.ts'

const row = (name: string, beside?: Beside) => ({ name, ...(beside ? { beside } : {}) })
const names = (rows: { name: string }[]) => rows.map((r) => r.name)

describe('placeRows', () => {
  const baselines = [row('B2'), row('B1'), row('alone')]

  it('puts each row before or after the baseline it names, in list order among the same anchor', () => {
    const added = [
      row('next', { after: 'B2' }),
      row('room', { after: 'B1' }),
      row('relay', { after: 'B1' }),
      row('chat', { before: 'alone' }),
      row('first', { before: 'B2' }),
    ]
    expect(names(placeRows(baselines, added))).toEqual([
      'first',
      'B2',
      'next',
      'B1',
      'room',
      'relay',
      'chat',
      'alone',
    ])
  })

  it('keeps the baselines as they are when no demo adds a row', () => {
    expect(names(placeRows(baselines, []))).toEqual(['B2', 'B1', 'alone'])
  })

  it('puts rows without an anchor, or with an unknown one, last', () => {
    const added = [row('loose'), row('lost', { after: 'gone' })]
    expect(names(placeRows(baselines, added))).toEqual(['B2', 'B1', 'alone', 'loose', 'lost'])
  })
})
