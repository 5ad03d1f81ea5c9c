import type { NextConfig } from 'next'

const config: NextConfig = {
  // The bench package's own `tsc` checks these files; a second check in `next build` only adds
  // CI time.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
}

export default config
