import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ClusterEnvShape, clusterModeOf, refineClusterEnv } from './env.ts'

const EnvSchema = z.object(ClusterEnvShape).superRefine(refineClusterEnv)

describe('the cluster environment', () => {
  it('is single mode with nothing set, and treats empty variables as unset', () => {
    const env = EnvSchema.parse({ DATABASE_URL: '', REDIS_URL: '' })
    expect(env).toEqual({ SHUTDOWN_TIMEOUT_MS: 10_000 })
    expect(clusterModeOf(env)).toBe('single')
  })

  it('is cluster mode with both URLs', () => {
    const env = EnvSchema.parse({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/duplex',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'demo:',
      DATABASE_SCHEMA: 'duplex',
    })
    expect(clusterModeOf(env)).toBe('cluster')
    expect(env.REDIS_KEY_PREFIX).toBe('demo:')
  })

  it('refuses one URL without the other, naming the missing one', () => {
    const half = EnvSchema.safeParse({ DATABASE_URL: 'postgres://127.0.0.1/duplex' })
    expect(half.success).toBe(false)
    expect(half.error?.issues[0]).toMatchObject({
      path: ['REDIS_URL'],
      message: expect.stringMatching(
        /^cluster mode needs both DATABASE_URL \(PostgreSQL\) and REDIS_URL; set REDIS_URL too/,
      ),
    })
    const other = EnvSchema.safeParse({ REDIS_URL: 'redis://127.0.0.1:6379' })
    expect(other.error?.issues[0]?.path).toEqual(['DATABASE_URL'])
  })

  it('checks the URLs, the schema name, the prefix and the shutdown timeout', () => {
    const result = EnvSchema.safeParse({
      DATABASE_URL: 'mysql://127.0.0.1/duplex',
      REDIS_URL: 'http://127.0.0.1',
      DATABASE_SCHEMA: 'Robert; drop table',
      REDIS_KEY_PREFIX: 'has space',
      SHUTDOWN_TIMEOUT_MS: '50',
    })
    expect(result.error?.issues.map((issue) => issue.path[0]).sort()).toEqual([
      'DATABASE_SCHEMA',
      'DATABASE_URL',
      'REDIS_KEY_PREFIX',
      'REDIS_URL',
      'SHUTDOWN_TIMEOUT_MS',
    ])
    expect(EnvSchema.parse({ SHUTDOWN_TIMEOUT_MS: '120000' }).SHUTDOWN_TIMEOUT_MS).toBe(120_000)
    expect(EnvSchema.safeParse({ SHUTDOWN_TIMEOUT_MS: '120001' }).success).toBe(false)
  })
})
