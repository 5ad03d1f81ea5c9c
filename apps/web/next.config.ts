import type { NextConfig } from 'next'
import createNextIntlPlugin from 'next-intl/plugin'

const config: NextConfig = {
  // Workspace packages export TypeScript source; Next compiles them like app code.
  transpilePackages: ['@duplex/protocol', '@duplex/client', '@duplex/auth', '@duplex/cluster'],
  // better-sqlite3 is a native module: load it with Node's require at run time, never bundle it.
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  typedRoutes: true,
}

// Points next-intl at src/i18n/request.ts, which picks the reader's language from a cookie.
export default createNextIntlPlugin('./src/i18n/request.ts')(config)
