import { describe, expect, it } from 'vitest'
import { parseEnv } from './env.ts'

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/duplex'
const REDIS_URL = 'redis://127.0.0.1:6379'

describe('parseEnv: single-process or cluster mode', () => {
  it('runs as one process when neither URL is set (or both are empty)', () => {
    expect(parseEnv({}).cluster).toBeUndefined()
    expect(parseEnv({ DATABASE_URL: '', REDIS_URL: '' }).cluster).toBeUndefined()
    expect(parseEnv({}).REDIS_KEY_PREFIX).toBe('duplex:')
  })

  it('runs as a cluster member when both are set', () => {
    expect(parseEnv({ DATABASE_URL, REDIS_URL }).cluster).toEqual({
      databaseUrl: DATABASE_URL,
      redisUrl: REDIS_URL,
    })
  })

  it('refuses half a cluster, naming the variable that is missing', () => {
    expect(() => parseEnv({ REDIS_URL })).toThrow(/DATABASE_URL: required because REDIS_URL is set/)
    expect(() => parseEnv({ DATABASE_URL })).toThrow(/REDIS_URL: required because DATABASE_URL/)
  })

  it('refuses URLs of the wrong kind', () => {
    expect(() => parseEnv({ DATABASE_URL: REDIS_URL, REDIS_URL })).toThrow(/DATABASE_URL/)
    expect(() => parseEnv({ DATABASE_URL, REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/)
  })

  it("reads TRUSTED_PROXIES with the realtime server's rule, trusting none when unset", () => {
    expect(parseEnv({}).TRUSTED_PROXIES.proxies).toEqual([])
    expect(parseEnv({ TRUSTED_PROXIES: '127.0.0.1,10.0.0.0/8' }).TRUSTED_PROXIES.proxies).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
    ])
    expect(() => parseEnv({ TRUSTED_PROXIES: 'proxy.internal' })).toThrow(
      /TRUSTED_PROXIES: "proxy.internal" is not an IP address/,
    )
  })
})
