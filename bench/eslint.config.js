import baseConfig from '@duplex/eslint-config/base'

export default [
  ...baseConfig,
  {
    // Shared bench code knows the demos only through the lists in src/scenarios/index.ts and
    // src/scenarios/tasks.ts, so `pnpm remove-demo` can delete a demo's folder.
    files: ['src/**/*.ts'],
    ignores: ['src/scenarios/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)scenarios/[^/]+/',
              message: "Import a demo's scenario through src/scenarios/index.ts (or tasks.ts).",
            },
          ],
        },
      ],
    },
  },
  {
    // A demo's scenarios use shared bench code, never another demo's.
    files: ['src/scenarios/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./[^./][^/]*/',
              message: "A demo's scenarios must not import another demo's.",
            },
          ],
        },
      ],
    },
  },
]
