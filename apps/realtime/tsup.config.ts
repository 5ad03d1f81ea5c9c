import { defineConfig } from 'tsup'

/**
 * One ESM file for `node dist/index.js`. The workspace packages (`@duplex/*`) export TypeScript
 * source, which plain Node cannot load, so they are bundled in; every npm dependency stays
 * external and is resolved from node_modules at runtime (better-sqlite3 is native and cannot be
 * bundled anyway).
 */
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  bundle: true,
  splitting: false,
  sourcemap: true,
  clean: true,
  dts: false,
  noExternal: [/^@duplex\//],
})
