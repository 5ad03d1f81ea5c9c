import reactHooks from 'eslint-plugin-react-hooks'

/** React rules: hooks must be called in order and with honest dependency lists. */
export default [
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
]
