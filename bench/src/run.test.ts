import { describe, expect, it } from 'vitest'
import type { Scenario } from './harness/scenario.ts'
import { serversOf } from './run.ts'

const scenario = (servers: Scenario['servers']): Scenario => ({
  name: 'x',
  servers,
  rows: () => ({}),
})

describe('serversOf', () => {
  it('starts the baselines and every server a scenario needs, in the run order', () => {
    expect(serversOf([scenario(['realtime']), scenario(['web', 'realtime'])])).toEqual([
      'web',
      'b2',
      'b3',
      'bsse',
      'b1',
      'realtime',
      'sio',
    ])
  })

  it('starts neither app when no scenario needs it', () => {
    expect(serversOf([])).toEqual(['b2', 'b3', 'bsse', 'b1', 'sio'])
    expect(serversOf([scenario(['web'])])).toEqual(['web', 'b2', 'b3', 'bsse', 'b1', 'sio'])
  })
})
