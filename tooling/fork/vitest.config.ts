import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Each removal copies the repository and rewrites it; a few seconds per demo.
    testTimeout: 120_000,
  },
})
