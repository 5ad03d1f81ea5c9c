import baseConfig from '@duplex/eslint-config/base'

export default [...baseConfig]
