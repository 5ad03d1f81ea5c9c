import { NO_TRUSTED_PROXIES } from '@duplex/cluster'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { integer, optional, parseEnv, parseFeatureEnv } from './env.ts'

describe('parseEnv', () => {
  it('fills in the documented defaults', () => {
    expect(parseEnv({})).toEqual({
      NODE_ENV: 'development',
      REALTIME_PORT: 3001,
      PORT: 3000,
      TRUSTED_PROXIES: NO_TRUSTED_PROXIES,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      SOCKETIO_MAX_BUFFERED_BYTES: 4 * 1024 * 1024,
      FAULTS_ENABLED: true,
      FAULTS_STALL_MS: 10_000,
      FAULTS_RATE_POINTS: 10,
      FAULTS_RATE_SECONDS: 60,
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

  it("reads the web app's PORT and TRUSTED_PROXIES the way the web app does", () => {
    const env = parseEnv({ PORT: '4100', TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' })
    expect(env.PORT).toBe(4100)
    expect(env.TRUSTED_PROXIES.proxies).toEqual(['127.0.0.1', '10.0.0.0/8'])
    expect(() => parseEnv({ TRUSTED_PROXIES: 'nginx' })).toThrow(
      /TRUSTED_PROXIES: "nginx" is not an IP address/,
    )
    expect(() => parseEnv({ PORT: '70000' })).toThrow(/PORT: /)
  })

  it('names every bad variable in one error', () => {
    expect(() => parseEnv({ REALTIME_PORT: 'abc', ALLOWED_ORIGINS: 'nope' })).toThrow(
      /REALTIME_PORT.*ALLOWED_ORIGINS|ALLOWED_ORIGINS.*REALTIME_PORT/,
    )
  })

  it('names the bad variables of the features in the same error', () => {
    const feature = {
      name: 'demo',
      env: z.object({ DEMO_LIMIT: optional(integer(1, 10)).transform((v) => v ?? 5) }),
    }
    expect(() => parseEnv({ REALTIME_PORT: 'abc', DEMO_LIMIT: '99' }, [feature])).toThrow(
      /^invalid environment: REALTIME_PORT: .*; DEMO_LIMIT: /,
    )
    expect(parseFeatureEnv(feature.env, {})).toEqual({ DEMO_LIMIT: 5 })
    expect(() => parseFeatureEnv(feature.env, { DEMO_LIMIT: '0' })).toThrow(
      /^invalid environment: DEMO_LIMIT: /,
    )
  })

  it('bounds SHUTDOWN_TIMEOUT_MS, shared with the web app', () => {
    expect(parseEnv({ SHUTDOWN_TIMEOUT_MS: '2500' }).SHUTDOWN_TIMEOUT_MS).toBe(2500)
    expect(() => parseEnv({ SHUTDOWN_TIMEOUT_MS: '10' })).toThrow(/SHUTDOWN_TIMEOUT_MS: /)
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
