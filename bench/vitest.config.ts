import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The smoke test starts the production servers and real clients; give them room on 2 cores.
    testTimeout: 110_000,
    hookTimeout: 60_000,
  },
})
