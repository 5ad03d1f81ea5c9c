import { segment, type DemoManifest } from '../manifest.ts'

const ticker: DemoManifest = {
  name: 'ticker',
  title: 'Stock ticker (SSE)',
  paths: [
    'e2e/faults/parts/ticker.ts',
    'apps/web/src/features/ticker',
    'apps/web/src/app/ticker',
    'apps/web/src/app/api/ticker',
    'apps/web/src/app/api/bench',
    'packages/protocol/src/ticker.ts',
    'e2e/tests/ticker.spec.ts',
    'e2e/tests/ticker-newcomer.spec.ts',
    'e2e/tests/ticker-api.spec.ts',
    'e2e/tests/ticker-faults.spec.ts',
    'e2e/tests/ticker-faults-off.spec.ts',
    // The shared wire panel's phone test runs on the ticker's stream.
    'e2e/tests/wire-panel.spec.ts',
    'e2e/cluster/ticker.spec.ts',
    'bench/src/scenarios/ticker',
    'docs/screenshots/ticker.png',
    'tooling/fork/src/demos/ticker.ts',
  ],
  exports: { 'packages/protocol/package.json': ['./ticker'] },
  // Its table of reserved tick ids in cluster mode.
  webFeatures: ['apps/web/src/features/ticker'],
  traces: [
    segment('/ticker'),
    segment('/api/ticker'),
    segment('/api/bench/ticker'),
    '\\bTICKER_[A-Z_]+',
    segment('features/ticker'),
    segment('protocol/ticker'),
  ],
}

export default ticker
