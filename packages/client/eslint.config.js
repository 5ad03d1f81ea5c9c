import baseConfig from '@duplex/eslint-config/base'
import reactConfig from '@duplex/eslint-config/react'

export default [...baseConfig, ...reactConfig]
