import { literal, segment, type DemoManifest } from '../manifest.ts'

const chat: DemoManifest = {
  name: 'chat',
  title: 'Chat (Socket.IO)',
  paths: [
    'e2e/faults/parts/chat.ts',
    // Kills Redis in the middle of chat's session recoveries; without chat it has nothing to drive.
    'apps/realtime/src/process-survival.integration.test.ts',
    // Runs chat and the editor together across instances; it goes with either of them. // demo:editor
    'apps/realtime/src/cluster.integration.test.ts', // demo:editor
    'apps/web/src/features/chat',
    'apps/web/src/app/chat',
    'apps/realtime/src/features/chat',
    'packages/protocol/src/chat.ts',
    'packages/protocol/src/chat.test.ts',
    'packages/protocol/src/chat.test-d.ts',
    'e2e/tests/chat.spec.ts',
    'e2e/tests/chat-faults.spec.ts',
    'e2e/tests/chat-newcomer.spec.ts',
    'e2e/tests/chat-rooms.spec.ts',
    'e2e/fixtures/chat-client.ts',
    'e2e/cluster/chat.spec.ts',
    'e2e/cluster/chat-budgets.spec.ts',
    'bench/src/scenarios/chat',
    'tooling/fork/src/demos/chat.ts',
  ],
  exports: { 'packages/protocol/package.json': ['./chat'] },
  // The Lighthouse run opens a room over Socket.IO; nothing else there does.
  dependencies: { 'tooling/lighthouse/package.json': ['socket.io-client'] },
  realtimeFeatures: ['apps/realtime/src/features/chat'],
  traces: [
    segment('/chat'),
    '\\bCHAT_[A-Z_]+',
    literal('send-message'),
    literal('room-message'),
    literal('join-room'),
    literal('list-rooms'),
    segment('features/chat'),
    segment('protocol/chat'),
  ],
}

export default chat
