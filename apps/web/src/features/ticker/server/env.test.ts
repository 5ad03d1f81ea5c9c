import { describe, expect, it } from 'vitest'
import { parseTickerEnv } from './env.ts'

describe('parseTickerEnv', () => {
  it('defaults every setting and turns the bench routes on only for DUPLEX_BENCH=1', () => {
    const env = parseTickerEnv({})
    expect(env).toMatchObject({
      TICKER_INTERVAL_MS: 1000,
      TICKER_BUFFER_SIZE: 20_000,
      DUPLEX_BENCH: false,
    })
    expect(Number.isInteger(env.TICKER_SEED)).toBe(true)
    expect(parseTickerEnv({ DUPLEX_BENCH: '1' }).DUPLEX_BENCH).toBe(true)
  })

  it('refuses an out-of-range value, naming the variable', () => {
    expect(() => parseTickerEnv({ TICKER_INTERVAL_MS: '5' })).toThrow(
      /Invalid environment for apps\/web:\n {2}TICKER_INTERVAL_MS:/,
    )
  })
})
