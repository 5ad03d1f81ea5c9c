import { segment, type DemoManifest } from '../manifest.ts'

const editor: DemoManifest = {
  name: 'editor',
  title: 'Collaborative editor (Yjs over WebSocket)',
  paths: [
    'e2e/faults/parts/editor.ts',
    // Runs chat and the editor together across instances; it goes with either of them. // demo:chat
    'apps/realtime/src/cluster.integration.test.ts', // demo:chat
    'apps/web/src/features/editor',
    // /compare's Yjs leg times the editor's endpoint. // demo:compare
    'apps/web/src/features/compare/lib/yjs-leg.ts', // demo:compare
    'apps/web/src/app/editor',
    'apps/realtime/src/features/collab',
    'packages/protocol/src/collab.ts',
    'packages/protocol/src/collab.test.ts',
    'e2e/tests/editor.spec.ts',
    'e2e/tests/editor-awareness.spec.ts',
    'e2e/tests/editor-faults.spec.ts',
    'e2e/tests/editor-newcomer.spec.ts',
    'e2e/tests/editor-owner.spec.ts',
    'e2e/tests/editor-gone.spec.ts',
    'e2e/tests/editor-keyboard.spec.ts',
    'e2e/fixtures/editor.ts',
    // Checks that concurrent typing lost nothing; only the editor's specs type at once.
    'e2e/fixtures/interleaving.ts',
    'e2e/fixtures/interleaving.test.ts',
    'e2e/cluster/editor.spec.ts',
    'bench/src/scenarios/editor',
    // The Yjs servers and the published trace only the editor's trace replay uses.
    'bench/src/servers/y-websocket.ts',
    'bench/src/servers/hocuspocus.ts',
    'bench/traces',
    'tooling/fork/src/demos/editor.ts',
  ],
  exports: { 'packages/protocol/package.json': ['./collab'] },
  dependencies: {
    'apps/web/package.json': [
      '@codemirror/commands',
      '@codemirror/lang-markdown',
      '@codemirror/language',
      '@codemirror/state',
      '@codemirror/view',
      '@lezer/highlight',
      'codemirror',
      'y-codemirror.next',
      'y-protocols',
      'y-websocket',
      'yjs',
    ],
    'apps/realtime/package.json': [
      '@y/websocket-server',
      'lib0',
      'y-protocols',
      'y-websocket',
      'yjs',
    ],
    'bench/package.json': [
      '@hocuspocus/provider',
      '@hocuspocus/server',
      '@y/websocket-server',
      'y-protocols',
      'y-websocket',
      'yjs',
    ],
  },
  realtimeFeatures: ['apps/realtime/src/features/collab'],
  traces: [
    segment('/editor'),
    segment('/yjs'),
    segment('/api/docs'),
    '\\bYJS_[A-Z_]+',
    segment('features/collab'),
    segment('features/editor'),
    segment('protocol/collab'),
  ],
}

export default editor
