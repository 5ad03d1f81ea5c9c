import { watchRedisOutages } from '@duplex/cluster'
import { DEFAULT_ROOM_ID } from '@duplex/protocol/chat'
import { defineFeature } from '../../shared/feature.ts'
import { socketIoFaults } from '../../shared/faults.ts'
import { attachChat, type ChatServer } from './attach-chat.ts'
import { ChatEnvSchema, type ChatEnv } from './env.ts'
import { chatMigrations } from './migrations.ts'
import { createRedisPresence } from './redis-presence.ts'
import { createChatRepository, type ChatTables } from './repository.ts'

/**
 * Chat over Socket.IO (rooms, history, presence, typing, read receipts), with its tables and,
 * in cluster mode, presence and rate limits in Redis.
 */
export const chat = defineFeature<ChatEnv>({
  name: 'chat',
  env: ChatEnvSchema,
  migrations: chatMigrations,

  socketIoOptions: (config) => ({
    // A short drop (tab asleep, Wi-Fi hiccup) gets its rooms and missed events back.
    connectionStateRecovery: {
      maxDisconnectionDuration: config.CHAT_RECOVERY_WINDOW_MS,
      // Run the auth middleware on recovery too: an expired session must not sneak back in.
      skipMiddlewares: false,
    },
  }),

  async attach({ config, io, db, metrics, log, cluster, faults, proxyTrust }) {
    const store = createChatRepository(db.withTables<ChatTables>())
    await store.ensureRoom(DEFAULT_ROOM_ID, null)
    metrics.declare('socketio', [
      'invalid',
      'rate_limited',
      'limit_reached',
      'too_large',
      'not_in_room',
      'not_found',
      'unavailable',
    ])
    const presence = cluster
      ? createRedisPresence({
          redis: cluster.redis,
          keyPrefix: cluster.keyPrefix,
          instanceId: cluster.instanceId,
        })
      : undefined
    // The shared server carries no event types; these are chat's (see SharedSocketServer).
    const chat = attachChat(io as unknown as ChatServer, {
      store,
      limits: {
        maxLength: config.CHAT_MAX_LENGTH,
        ratePoints: config.CHAT_RATE_POINTS,
        rateSeconds: config.CHAT_RATE_SECONDS,
        budgets: {
          send: { points: config.CHAT_RATE_POINTS, seconds: config.CHAT_RATE_SECONDS },
          create: {
            points: config.CHAT_CREATE_RATE_POINTS,
            seconds: config.CHAT_CREATE_RATE_SECONDS,
          },
          read: { points: config.CHAT_READ_RATE_POINTS, seconds: config.CHAT_READ_RATE_SECONDS },
          write: { points: config.CHAT_WRITE_RATE_POINTS, seconds: config.CHAT_WRITE_RATE_SECONDS },
        },
        ipFactor: config.CHAT_RATE_IP_FACTOR,
        maxRooms: config.CHAT_MAX_ROOMS,
        requestTimeoutMs: config.CHAT_REQUEST_TIMEOUT_MS,
      },
      metrics,
      log,
      presence,
      proxyTrust,
      ...(cluster && { redis: { client: cluster.redis, keyPrefix: cluster.keyPrefix } }),
    })
    // "Break it" on the chat page: a socket is named by its id, which recovery keeps. Looked up
    // among the open sockets when a fault arrives, so an idle socket holds nothing for it.
    const sockets = io.of('/').sockets
    faults.addLookup((owner, connectionId) => {
      const socket = sockets.get(connectionId)
      return socket?.data.user.id === owner
        ? socketIoFaults(socket, faults.settings.stallMs)
        : undefined
    })
    let stopWatching = (): void => undefined
    if (cluster && presence) {
      // Redis was away: what this instance changed meanwhile never reached it, and what the
      // instances broadcast meanwhile reached their own sockets only. Both are made whole.
      stopWatching = watchRedisOutages(cluster.redis, {
        onDown: () =>
          log.warn('[chat] Redis is away: storing and delivering on this instance only'),
        onRecovered: ({ since, until }) => {
          log.info(`[chat] Redis is back after ${until - since} ms: catching up`)
          presence
            .resync()
            .catch((error: unknown) =>
              log.error('[chat] presence not written back to Redis', error),
            )
          chat.caughtUpAfterOutage(since)
        },
      })
      cluster.onTick(async ({ dead, rejoined }) => {
        if (rejoined) await presence.resync()
        for (const id of dead) {
          const left = await presence.sweep(id)
          log.info(
            `[cluster] instance ${id} stopped heartbeating; ${left.length} room member(s) removed`,
          )
        }
      })
    }
    // The shared server closes the sockets, and presence is left for the instance they
    // reconnect to; only chat's own timers end here.
    return {
      stop: async () => {
        stopWatching()
        chat.stop()
      },
    }
  },
})
