import baseConfig from '@duplex/eslint-config/base'
import nextjsConfig from '@duplex/eslint-config/nextjs'
import reactConfig from '@duplex/eslint-config/react'

export default [
  { ignores: ['.next/**', 'next-env.d.ts'] },
  ...baseConfig,
  ...reactConfig,
  ...nextjsConfig,
]
