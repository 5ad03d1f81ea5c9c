import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Integration tests start real servers and sockets; give them room on a busy machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
