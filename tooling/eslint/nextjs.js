import nextPlugin from '@next/eslint-plugin-next'

/** Next.js rules, plus a guard that sends every env read through the validated env module. */
export default [
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@next/next': nextPlugin },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['**/env.ts', '**/*.config.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: "Use `import { env } from '@/env'` instead to ensure validated types.",
        },
      ],
    },
  },
]
