import { literal, segment, type DemoManifest } from '../manifest.ts'

const compare: DemoManifest = {
  name: 'compare',
  title: 'Compare the transports',
  paths: [
    'apps/web/src/features/compare',
    'apps/web/src/app/compare',
    'apps/web/src/app/api/compare',
    'apps/realtime/src/features/compare',
    'packages/protocol/src/compare.ts',
    'e2e/tests/compare.spec.ts',
    'e2e/tests/compare-newcomer.spec.ts',
    'tooling/fork/src/demos/compare.ts',
  ],
  exports: { 'packages/protocol/package.json': ['./compare'] },
  traces: [
    segment('/compare'),
    segment('/api/compare'),
    literal('compare-echo'),
    segment('features/compare'),
    segment('protocol/compare'),
  ],
}

export default compare
