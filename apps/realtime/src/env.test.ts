import { describe, expect, it } from 'vitest'
import { parseEnv } from './env.ts'

describe('parseEnv', () => {
  it('fills in the documented defaults', () => {
    expect(parseEnv({})).toEqual({
      NODE_ENV: 'development',
      REALTIME_PORT: 3001,
      CHAT_MAX_LENGTH: 2000,
      CHAT_RATE_POINTS: 10,
      CHAT_RATE_SECONDS: 10,
      CHAT_RECOVERY_WINDOW_MS: 120_000,
      YJS_COMPACT_AFTER: 200,
    })
  })

  it('treats empty variables as unset', () => {
    expect(parseEnv({ REALTIME_PORT: '', SESSION_SECRET: '' })).toMatchObject({
      REALTIME_PORT: 3001,
    })
    expect(parseEnv({ SESSION_SECRET: '' }).SESSION_SECRET).toBeUndefined()
  })

  it('normalises ALLOWED_ORIGINS and understands *', () => {
    expect(
      parseEnv({ ALLOWED_ORIGINS: 'https://a.example/, http://localhost:3000' }).ALLOWED_ORIGINS,
    ).toEqual(['https://a.example', 'http://localhost:3000'])
    expect(parseEnv({ ALLOWED_ORIGINS: '*' }).ALLOWED_ORIGINS).toBe('*')
  })

  it('names every bad variable in one error', () => {
    expect(() => parseEnv({ REALTIME_PORT: 'abc', ALLOWED_ORIGINS: 'nope' })).toThrow(
      /REALTIME_PORT.*ALLOWED_ORIGINS|ALLOWED_ORIGINS.*REALTIME_PORT/,
    )
  })

  it('switches to cluster mode only with both DATABASE_URL and REDIS_URL', () => {
    expect(
      parseEnv({
        DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/duplex',
        REDIS_URL: 'redis://127.0.0.1:6379',
      }),
    ).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/duplex',
      REDIS_URL: 'redis://127.0.0.1:6379',
    })
    expect(() => parseEnv({ DATABASE_URL: 'postgres://127.0.0.1/duplex' })).toThrow(
      /REDIS_URL: cluster mode needs both DATABASE_URL \(PostgreSQL\) and REDIS_URL/,
    )
    expect(() => parseEnv({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /DATABASE_URL: cluster mode needs both/,
    )
    expect(() =>
      parseEnv({ DATABASE_URL: 'mysql://127.0.0.1/duplex', REDIS_URL: 'redis://127.0.0.1' }),
    ).toThrow(/DATABASE_URL: must be a PostgreSQL URL/)
    expect(() =>
      parseEnv({
        DATABASE_URL: 'postgres://127.0.0.1/duplex',
        REDIS_URL: 'redis://127.0.0.1',
        DATABASE_SCHEMA: 'Robert; drop table',
      }),
    ).toThrow(/DATABASE_SCHEMA: must be a lower-case SQL identifier/)
  })
})
