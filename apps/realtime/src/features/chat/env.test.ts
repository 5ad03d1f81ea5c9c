import { describe, expect, it } from 'vitest'
import { parseEnv, parseFeatureEnv } from '../../shared/env.ts'
import { ChatEnvSchema } from './env.ts'

describe('chat environment', () => {
  it('fills in the documented defaults', () => {
    expect(parseFeatureEnv(ChatEnvSchema, {})).toEqual({
      CHAT_MAX_LENGTH: 2000,
      CHAT_RATE_POINTS: 10,
      CHAT_RATE_SECONDS: 10,
      CHAT_CREATE_RATE_POINTS: 10,
      CHAT_CREATE_RATE_SECONDS: 60,
      CHAT_READ_RATE_POINTS: 60,
      CHAT_READ_RATE_SECONDS: 10,
      CHAT_WRITE_RATE_POINTS: 60,
      CHAT_WRITE_RATE_SECONDS: 10,
      CHAT_RATE_IP_FACTOR: 10,
      CHAT_MAX_ROOMS: 1000,
      CHAT_RECOVERY_WINDOW_MS: 120_000,
      CHAT_REQUEST_TIMEOUT_MS: 2500,
    })
  })

  it('treats empty variables as unset and names a bad one', () => {
    expect(parseFeatureEnv(ChatEnvSchema, { CHAT_MAX_LENGTH: '' }).CHAT_MAX_LENGTH).toBe(2000)
    expect(() =>
      parseEnv({ CHAT_RATE_POINTS: '0' }, [{ name: 'chat', env: ChatEnvSchema }]),
    ).toThrow(/^invalid environment: CHAT_RATE_POINTS: /)
  })
})
