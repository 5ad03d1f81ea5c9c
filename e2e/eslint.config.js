import baseConfig from '@duplex/eslint-config/base'

// Playwright's reports and results (bundled trace viewer included), as in .prettierignore.
export default [{ ignores: ['**/playwright-report/**', '**/test-results/**'] }, ...baseConfig]
