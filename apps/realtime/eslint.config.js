import baseConfig from '@duplex/eslint-config/base'
import { readdirSync } from 'node:fs'

// The layout of src/ (see README): features do not import each other, shared code imports no
// feature, and the entry files see the features only through their list, src/features/index.ts.
// Feature folders are read from disk, so adding or removing one needs no change here.

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** One `no-restricted-imports` rule from regexes over the import string. */
const restrict = (patterns) => ({
  'no-restricted-imports': [
    'error',
    { patterns: patterns.map(([regex, message]) => ({ regex, message })) },
  ],
})

export default [
  ...baseConfig,
  ...features.map((feature) => {
    const others = features.filter((other) => other !== feature).map(escape)
    return {
      files: [`src/features/${feature}/**/*.ts`],
      rules: restrict([
        ...(others.length > 0
          ? [
              [
                `^(\\.\\./)+(features/)?(${others.join('|')})(/|$)`,
                `features/${feature} must not import another feature; move what both need to src/shared/`,
              ],
            ]
          : []),
        [
          '^(\\.\\./)+(features/)?index(\\.ts)?$',
          'a feature must not import the feature list (src/features/index.ts)',
        ],
      ]),
    }
  }),
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict([
      [
        '^(\\.\\./)+features(/|$)',
        'src/shared/ must not import a feature: features import shared code',
      ],
    ]),
  },
  {
    files: ['src/server.ts', 'src/index.ts', 'src/migrate.ts'],
    rules: restrict([
      [
        '^\\./features/(?!index\\.ts$)',
        'the entry files see features only through their list: import ./features/index.ts',
      ],
    ]),
  },
]
