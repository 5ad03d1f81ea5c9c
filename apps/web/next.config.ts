import type { NextConfig } from 'next'
import createNextIntlPlugin from 'next-intl/plugin'

const config: NextConfig = {
  // Workspace packages export TypeScript source; Next compiles them like app code.
  transpilePackages: [
    '@duplex/protocol',
    '@duplex/client',
    '@duplex/auth',
    '@duplex/cluster',
    '@duplex/faults',
  ],
  // better-sqlite3 is a native module: load it with Node's require at run time, never bundle it.
  serverExternalPackages: ['better-sqlite3'],
  poweredByHeader: false,
  typedRoutes: true,
  // Every response, API and static files included (the pages' CSP is set per request in src/proxy.ts).
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          // A JSON answer or an upload is never run as a script or a page because of a guessed type.
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          // Ids in our URLs (jobs, documents) stay on this origin.
          { key: 'Referrer-Policy', value: 'same-origin' },
          // For browsers that predate CSP's frame-ancestors.
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
    ]
  },
}

// Points next-intl at src/i18n/request.ts, which picks the reader's language from a cookie.
export default createNextIntlPlugin('./src/i18n/request.ts')(config)
