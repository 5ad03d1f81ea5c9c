import type { NextConfig } from 'next'

const config: NextConfig = {
  // Workspace packages export TypeScript source; Next compiles them like app code.
  transpilePackages: ['@duplex/protocol', '@duplex/client', '@duplex/auth', '@duplex/cluster'],
  // better-sqlite3 is a native module: load it with Node's require at run time, never bundle it.
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  typedRoutes: true,
}

export default config
