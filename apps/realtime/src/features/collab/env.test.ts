import { describe, expect, it } from 'vitest'
import { parseFeatureEnv } from '../../shared/env.ts'
import { CollabEnvSchema } from './env.ts'

describe('collab environment', () => {
  it('fills in the documented default and names a bad value', () => {
    expect(parseFeatureEnv(CollabEnvSchema, {})).toEqual({
      YJS_COMPACT_AFTER: 200,
      YJS_MAX_FRAME_BYTES: 2 * 1024 * 1024,
      YJS_MAX_DOC_BYTES: 10 * 1024 * 1024,
      YJS_MAX_BUFFERED_BYTES: 8 * 1024 * 1024,
      YJS_AWARENESS_MAX_BYTES: 4096,
      YJS_AWARENESS_RATE_POINTS: 300,
      YJS_AWARENESS_RATE_SECONDS: 10,
      YJS_DOC_QUOTA: 100,
      YJS_CREATE_RATE_POINTS: 10,
      YJS_CREATE_RATE_SECONDS: 60,
    })
    expect(() => parseFeatureEnv(CollabEnvSchema, { YJS_COMPACT_AFTER: '1' })).toThrow(
      /^invalid environment: YJS_COMPACT_AFTER: /,
    )
  })
})
