import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Each removal copies the repository and rewrites it; a few seconds per demo.
    testTimeout: 120_000,
    // Cleanup deletes every copy at once; on a loaded two-core machine that outlasts the 10 s default.
    hookTimeout: 60_000,
  },
})
