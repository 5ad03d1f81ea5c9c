import baseConfig from '@duplex/eslint-config/base'
import nextjsConfig from '@duplex/eslint-config/nextjs'
import reactConfig from '@duplex/eslint-config/react'

/**
 * The demos, each a folder of its own under src/features/. `pnpm remove-demo <name>` deletes that
 * folder, so the rules below keep every other folder from depending on it.
 */
const DEMOS = ['ticker', 'progress', 'chat', 'editor', 'compare']

const SOURCES = '**/*.{ts,tsx}'

/** Imports of another demo's folder, by alias or by relative path. */
function otherFeatures(demo) {
  const others = DEMOS.filter((other) => other !== demo)
  return {
    group: others.flatMap((other) => [
      `@/features/${other}`,
      `@/features/${other}/**`,
      `**/features/${other}/**`,
      ...['../', '../../', '../../../', '../../../../'].map((up) => `${up}${other}/**`),
    ]),
    message: 'A feature never imports another feature: move what both need to src/shared/.',
  }
}

/** The composition root and the pages are the only ones that know the list of features. */
const compositionRoot = {
  group: ['@/features/server', '**/features/server', '**/features/server.ts'],
  message: 'Only src/app/ and instrumentation.ts use the composition root.',
}

const anyFeature = {
  group: ['@/features', '@/features/**', '**/features/**', '@/app', '@/app/**', '**/app/**'],
  message: 'Shared code is used by the features and never imports one (or a page).',
}

/** UI modules (.tsx): shared/ui/ and each feature's components/. */
const uiModules = {
  group: ['@/shared/ui', '@/shared/ui/**', '**/ui/**', '**/components/**', '**/*.tsx'],
  message: 'Non-UI code must not import UI modules: move the type it needs down to a lib/ module.',
}

const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
})

export default [
  { ignores: ['.next/**', 'next-env.d.ts'] },
  ...baseConfig,
  ...reactConfig,
  ...nextjsConfig,
  // Features: no feature imports another, nor the composition root that lists them all.
  ...DEMOS.flatMap((demo) => [
    {
      files: [`src/features/${demo}/${SOURCES}`],
      rules: restrict(otherFeatures(demo), compositionRoot),
    },
    {
      files: ['server', 'lib', 'hooks'].map((dir) => `src/features/${demo}/${dir}/${SOURCES}`),
      rules: restrict(otherFeatures(demo), compositionRoot, uiModules),
    },
  ]),
  // Shared code never imports a feature or a page; its non-UI part never imports UI.
  { files: [`src/shared/${SOURCES}`], rules: restrict(anyFeature) },
  {
    files: ['lib', 'server', 'hooks'].map((dir) => `src/shared/${dir}/${SOURCES}`),
    rules: restrict(anyFeature, uiModules),
  },
  { files: ['src/shared/*.ts'], rules: restrict(anyFeature, uiModules) },
  // The process entry reaches the features only through the composition root.
  {
    files: ['src/instrumentation.ts'],
    rules: restrict({
      group: ['@/features/*/**', './features/*/**'],
      message: 'Start the features through the composition root (src/features/server.ts).',
    }),
  },
]
