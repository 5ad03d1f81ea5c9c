import { describe, expect, it } from 'vitest'
import { parseFeatureEnv } from '../../shared/env.ts'
import { CollabEnvSchema } from './env.ts'

describe('collab environment', () => {
  it('fills in the documented default and names a bad value', () => {
    expect(parseFeatureEnv(CollabEnvSchema, {})).toEqual({ YJS_COMPACT_AFTER: 200 })
    expect(() => parseFeatureEnv(CollabEnvSchema, { YJS_COMPACT_AFTER: '1' })).toThrow(
      /^invalid environment: YJS_COMPACT_AFTER: /,
    )
  })
})
