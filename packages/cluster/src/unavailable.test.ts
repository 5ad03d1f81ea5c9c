import { describe, expect, it } from 'vitest'
import { isStoreUnavailable } from './unavailable.ts'

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

describe('isStoreUnavailable', () => {
  it('recognises a refused or dropped connection', () => {
    expect(
      isStoreUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5499', 'ECONNREFUSED')),
    ).toBe(true)
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isStoreUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true)
  })

  it('recognises PostgreSQL shutting down or starting, by SQLSTATE', () => {
    expect(
      isStoreUnavailable(withCode('terminating connection due to administrator command', '57P01')),
    ).toBe(true)
    expect(isStoreUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true)
    expect(isStoreUnavailable(withCode('connection failure', '08006'))).toBe(true)
  })

  it('recognises ioredis giving up on a command while Redis is away', () => {
    expect(isStoreUnavailable(new Error('Connection is closed.'))).toBe(true)
    expect(
      isStoreUnavailable(
        Object.assign(new Error('Reached the max retries per request limit (which is 1).'), {
          name: 'MaxRetriesPerRequestError',
        }),
      ),
    ).toBe(true)
    expect(isStoreUnavailable(new Error('Command timed out'))).toBe(true)
  })

  it('looks through causes', () => {
    const cause = withCode('connect ECONNREFUSED', 'ECONNREFUSED')
    expect(isStoreUnavailable(new Error('loading the document failed', { cause }))).toBe(true)
  })

  it('does not excuse bugs and bad queries', () => {
    expect(isStoreUnavailable(new TypeError('x is undefined'))).toBe(false)
    expect(
      isStoreUnavailable(withCode('duplicate key value violates unique constraint', '23505')),
    ).toBe(false)
    expect(isStoreUnavailable(withCode('relation "docs" does not exist', '42P01'))).toBe(false)
    expect(isStoreUnavailable('Connection is closed')).toBe(false)
    expect(isStoreUnavailable(undefined)).toBe(false)
  })
})
