import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { basisWords, stackKey } from './bench-words'

const results = path.resolve(import.meta.dirname, '../../../../../../bench/results')
const runs = readdirSync(results)
  .filter((f) => /-(quick|full)\.json$/.test(f))
  .map(
    (f) =>
      JSON.parse(readFileSync(path.join(results, f), 'utf8')) as {
        goals: { basis: string }[]
        [rows: string]: unknown
      },
  )
const newest = runs.at(-1)

describe('the committed run in the reader’s words', () => {
  it('knows every stack and every goal basis of the newest committed run', () => {
    expect(newest).toBeDefined()
    if (!newest) return
    const stacks = new Set<string>()
    for (const rows of ['flood', 'fanout', 'idle', 'rtt', 'json'])
      for (const row of (newest[rows] as { stack: string }[] | undefined) ?? [])
        stacks.add(row.stack)
    expect([...stacks].filter((s) => stackKey(s) === null)).toEqual([])
    expect(newest.goals.map((g) => g.basis).filter((b) => basisWords(b) === null)).toEqual([])
  })

  it('reads the numbers out of a basis', () => {
    expect(basisWords('N=1000, open-ended, clients saturated ⚠')).toEqual({
      key: 'openSaturated',
      values: { n: 1000 },
    })
    expect(basisWords('N=100, fixed 200 msg/s')).toEqual({
      key: 'fixed',
      values: { n: 100, rate: 200 },
    })
    expect(basisWords('seph-blog1, 137154 txns, 10 observer(s)')).toEqual({
      key: 'trace',
      values: { trace: 'seph-blog1', txns: 137154, observers: 10 },
    })
    expect(basisWords('counts zero after 8 ms')?.values).toEqual({ ms: 8 })
  })

  it('leaves what it does not know to the run’s own text', () => {
    expect(basisWords('something new')).toBeNull()
    expect(stackKey('A new stack')).toBeNull()
  })
})
