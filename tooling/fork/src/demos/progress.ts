import { segment, type DemoManifest } from '../manifest.ts'

const progress: DemoManifest = {
  name: 'progress',
  title: 'Job progress (SSE)',
  paths: [
    'e2e/faults/parts/progress.ts',
    'apps/web/src/features/progress',
    'apps/web/src/app/progress',
    'apps/web/src/app/api/jobs',
    'packages/protocol/src/jobs.ts',
    'packages/protocol/src/jobs.test.ts',
    'e2e/tests/progress.spec.ts',
    'e2e/tests/progress-faults.spec.ts',
    'e2e/tests/progress-api.spec.ts',
    'e2e/tests/progress-owner.spec.ts',
    'e2e/cluster/jobs.spec.ts',
    'tooling/fork/src/demos/progress.ts',
  ],
  exports: { 'packages/protocol/package.json': ['./jobs'] },
  // Its jobs table in cluster mode.
  webFeatures: ['apps/web/src/features/progress'],
  traces: [
    segment('/progress'),
    segment('/api/jobs'),
    segment('features/progress'),
    segment('protocol/jobs'),
    '\\bJOBS?_[A-Z_]+',
  ],
}

export default progress
