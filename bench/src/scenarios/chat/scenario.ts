import { randomUUID } from 'node:crypto'
import type { Scenario } from '../../harness/scenario.ts'
import { sleep } from '../../lib/net.ts'
import type { RttTaskResult } from '../../load/tasks.ts'
import { realtimeCount } from '../../servers/start.ts'
import { chatPublisher, type ChatSpec } from './clients.ts'

/** Socket.IO connection-state recovery window of the realtime server under test. */
const RECOVERY_WINDOW_MS = 3000
/** How often socket.io-adapter drops expired recovery sessions and packets (not configurable). */
const SOCKET_IO_SWEEP_MS = 60_000
const PROFILE_ROOM = `profile-${Date.now()}`

/**
 * The chat on the realtime server (auth, validation, rate limit, storage), beside B1 and
 * Socket.IO alone: room fan-out, idle members, and the round trip of `send-message`.
 */
export const chat: Scenario = {
  name: 'chat',
  servers: ['realtime'],
  serverEnv: {
    realtime: {
      // Raised so the limiter is exercised on every message but never refuses one.
      CHAT_RATE_POINTS: '10000',
      CHAT_RATE_SECONDS: '1',
      // Every viewer tab of a worker's one user joins the room: a read each (issue 11's budgets).
      CHAT_READ_RATE_POINTS: '100000',
      CHAT_READ_RATE_SECONDS: '1',
      // Recovery sessions are kept in memory for this long by design; shortened so the cleanup
      // check can see them released instead of waiting out the two-minute default.
      CHAT_RECOVERY_WINDOW_MS: String(RECOVERY_WINDOW_MS),
    },
  },
  rows: (ctx) => {
    const realtime = () => ctx.server('realtime')
    const secret = ctx.env.sessionSecret
    const room = `bench-${randomUUID().slice(0, 8)}`
    let userIndex = 0
    return {
      fanout: [
        {
          name: 'Socket.IO room',
          server: 'realtime',
          spec: (): ChatSpec => ({
            kind: 'sio-chat',
            url: realtime().url,
            room,
            secret,
            // One user per worker: a viewer with many tabs. Distinct users would each trigger a
            // presence broadcast to the whole room on join (see docs/benchmarks.md).
            user: `bench-viewer-${userIndex++ % ctx.profile.workers}`,
          }),
          publisher: () => chatPublisher(realtime().url, secret, room),
          count: () => realtimeCount(realtime(), 'socketio'),
          /**
           * Socket.IO keeps a dropped connection's session, and every broadcast packet, for the
           * recovery window, and sweeps expired ones once a minute (socket.io-adapter's fixed
           * interval): a window and a sweep later they must be gone. Only the second reading
           * waits; the baseline may still hold the warm-up's few sessions, which makes the check
           * slightly stricter, not looser.
           */
          settle: async () => {
            if (ctx.profile.awaitRecoverySweep) {
              await sleep(RECOVERY_WINDOW_MS + SOCKET_IO_SWEEP_MS + 1000)
            }
          },
          beside: { after: 'B1 raw ws' },
        },
      ],
      idle: [
        {
          name: 'Socket.IO chat server',
          server: 'realtime',
          spec: (): ChatSpec => ({
            kind: 'sio-chat',
            url: realtime().url,
            room: `idle-${randomUUID().slice(0, 8)}`,
            secret,
            user: 'bench-idle',
          }),
          heartbeatMs: 25_000,
          beside: { after: 'Socket.IO, library alone' },
        },
      ],
      rtt: [
        {
          name: 'Socket.IO chat',
          run: () =>
            ctx.pool.task<RttTaskResult>('chat-rtt', {
              url: realtime().url,
              secret,
              room: `rtt-${randomUUID().slice(0, 8)}`,
              count: ctx.profile.chatCount,
            }),
          beside: { before: 'Socket.IO library alone' },
        },
      ],
    }
  },
  goals: {
    fanout(g) {
      g.fanoutRatio(
        'sio-fanout-rate',
        'Socket.IO room broadcast deliveries/s ÷ B1',
        'Socket.IO room',
        'B1 raw ws',
        'open',
        (r) => r.deliveriesPerS,
        0.6,
        'min',
      )
    },
    idle(g) {
      g.idleMemory(
        'sio-idle-memory',
        'Socket.IO memory per idle socket ÷ B1 (RSS)',
        3,
        // Runs before the library-alone row existed named the chat server's row plain 'Socket.IO'.
        g.idle('Socket.IO chat server', 'Socket.IO'),
        g.idle('B1 raw ws'),
      )
      // The user's alternative is Socket.IO itself: what the chat adds per socket.
      g.idleMemory(
        'sio-idle-memory-alone',
        'Chat memory per idle socket ÷ Socket.IO library alone (RSS)',
        1.1,
        g.idle('Socket.IO chat server'),
        g.idle('Socket.IO, library alone'),
      )
    },
    rtt(g) {
      const chat = g.result.rtt.find((r) => r.stack === 'Socket.IO chat')
      const echo = g.result.rtt.find((r) => r.stack === 'B1 raw ws echo')
      if (!chat || !echo) return
      g.add(
        'chat-rtt-p99',
        'Chat round trip p99 ÷ raw ws echo (sender)',
        `${chat.messages} round trips`,
        g.ratio(chat.sender.p99Ms, echo.sender.p99Ms),
        2,
        'max',
      )
      g.add(
        'chat-member-p99',
        'Chat send → other member p99 ÷ raw ws echo',
        `${chat.messages} round trips`,
        g.ratio(chat.member.p99Ms, echo.member.p99Ms),
        2,
        'max',
      )
      const alone = g.result.rtt.find((r) => r.stack === 'Socket.IO library alone')
      if (!alone) return
      g.add(
        'chat-rtt-p99-alone',
        'Chat round trip p99 ÷ Socket.IO library alone (sender)',
        `${chat.messages} round trips`,
        g.ratio(chat.sender.p99Ms, alone.sender.p99Ms),
        1.5,
        'max',
      )
    },
  },
  profiled: {
    sio: {
      server: 'realtime',
      spec: (server, env, index): ChatSpec => ({
        kind: 'sio-chat',
        url: server.url,
        room: PROFILE_ROOM,
        secret: env.sessionSecret,
        user: `profile-viewer-${index}`,
      }),
      publisher: (server, env) => chatPublisher(server.url, env.sessionSecret, PROFILE_ROOM),
    },
  },
}
