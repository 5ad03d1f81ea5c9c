import { describe, expect, it } from 'vitest'
import { parseFaultsEnv } from './env.ts'

describe('parseFaultsEnv', () => {
  it('is on by default, with a 10 s stall', () => {
    expect(parseFaultsEnv({})).toMatchObject({ FAULTS_ENABLED: true, FAULTS_STALL_MS: 10_000 })
  })

  it('is turned off by FAULTS_ENABLED=false or 0', () => {
    expect(parseFaultsEnv({ FAULTS_ENABLED: 'false' }).FAULTS_ENABLED).toBe(false)
    expect(parseFaultsEnv({ FAULTS_ENABLED: '0' }).FAULTS_ENABLED).toBe(false)
  })

  it('names a bad value instead of guessing', () => {
    expect(() => parseFaultsEnv({ FAULTS_ENABLED: 'maybe' })).toThrow(/FAULTS_ENABLED/)
  })
})
