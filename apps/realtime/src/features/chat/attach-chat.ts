import {
  CHAT_HISTORY_PAGE,
  CHAT_ROOMS_PAGE,
  ClientEventSchemas,
  chatTextLength,
  type AckError,
  type ChatErrorCode,
  type ClientAckSchemas,
  type ClientEventName,
  type ClientToServerEvents,
  type InterServerEvents,
  type Room,
  type RoomId,
  type ServerToClientEvents,
  type SocketData,
} from '@duplex/protocol/chat'
import { isStoreUnavailable } from '@duplex/cluster'
import type { SessionUser } from '@duplex/protocol/session'
import type { ProxyTrust } from '@duplex/cluster'
import { describeZodError } from '@duplex/protocol/errors'
import type { Redis } from 'ioredis'
import type { Server, Socket } from 'socket.io'
import type { z } from 'zod'
import type { Logger } from '../../shared/log.ts'
import type { Metrics } from '../../shared/metrics.ts'
import { clientAddressOf, onEverySocket } from '../../shared/socket-io.ts'
import type { ChatStore, StoredRoom } from './repository.ts'
import { createPresence, type Departure, type Presence } from './presence.ts'
import { createRateLimiter } from './rate-limit.ts'
import { createBudgetLimiter, type BudgetKind, type Budgets } from './budgets.ts'
import { createMissedMessages } from './missed-messages.ts'

export type ChatServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>

export interface ChatLimits {
  /** `CHAT_MAX_LENGTH`: longest message, in characters. */
  maxLength: number
  /** `CHAT_RATE_POINTS` messages per `CHAT_RATE_SECONDS`, per user. */
  ratePoints: number
  rateSeconds: number
  /** Per-kind budgets (`send` is `ratePoints` per `rateSeconds`); see `CHAT_*_RATE_*`. */
  budgets: Budgets
  /** `CHAT_RATE_IP_FACTOR`: each budget per IP is this many users' worth. */
  ipFactor: number
  /** `CHAT_MAX_ROOMS`: rooms the server keeps at most. */
  maxRooms: number
  /**
   * `CHAT_REQUEST_TIMEOUT_MS`: a request still unanswered after this long is acked `unavailable`
   * (default 2500 ms).
   */
  requestTimeoutMs?: number
}

export interface ChatDeps {
  store: ChatStore
  limits: ChatLimits
  metrics: Metrics
  log: Logger
  /** Cluster mode: presence shared through Redis. In-process presence when absent. */
  presence?: Presence
  /** Cluster mode: rate limits counted in Redis under this prefix. In memory when absent. */
  redis?: { client: Redis; keyPrefix: string }
  /** `TRUSTED_PROXIES`: the per-IP budgets count the client behind them. None when absent. */
  proxyTrust?: ProxyTrust
}

export interface Chat {
  presence: Presence
  /**
   * Redis was away from `since` (ms since the epoch) until now: re-sends this instance's sockets
   * what they missed meanwhile, and asks every other instance to do the same for theirs (see
   * `createMissedMessages`). Cluster mode only.
   */
  caughtUpAfterOutage(since: number): void
  /** Cancels the timers chat keeps. */
  stop(): void
}

type Payload<E extends ClientEventName> = z.output<(typeof ClientEventSchemas)[E]>
type AckOf<E extends ClientEventName> = z.infer<(typeof ClientAckSchemas)[E]>

/** Typing events are relayed, not stored; this only stops a runaway client from flooding a room. */
const TYPING_RATE = { points: 30, seconds: 10 }

/** What each event costs; every inbound event is charged before its payload is even parsed. */
const EVENT_BUDGET: Record<ClientEventName, BudgetKind> = {
  'join-room': 'read',
  'leave-room': 'read',
  'list-rooms': 'read',
  'load-history': 'read',
  'send-message': 'send',
  typing: 'write',
  'mark-read': 'write',
  'create-room': 'create',
}

const BUDGET_NOUN: Record<BudgetKind, string> = {
  create: 'new rooms',
  read: 'reads',
  write: 'typing and read-receipt events',
  send: 'messages',
}

/**
 * When a client may retry a request refused `unavailable`: a store restarting is back within
 * seconds, and the page's outbox retries on its own (with jitter) after this long.
 */
export const STORE_RETRY_AFTER_MS = 2000

/** How long after a Redis outage the instances ask each other a second time to re-send what was missed. */
const SECOND_CATCH_UP_MS = 3000

const ROOM_PREFIX = 'room:'

/** Socket.IO room of a chat room, prefixed so it can never collide with a socket id. */
function roomKey(roomId: RoomId): string {
  return `${ROOM_PREFIX}${roomId}`
}

function fail(code: ChatErrorCode, message: string, retryAfterMs?: number): AckError {
  return {
    ok: false,
    error: { code, message, ...(retryAfterMs !== undefined && { retryAfterMs }) },
  }
}

/** A request that was still waiting for a store when its time was up. */
class RequestTimeout extends Error {
  constructor(ms: number) {
    super(`not answered within ${ms} ms`)
    this.name = 'RequestTimeout'
  }
}

/** `work`, or a {@link RequestTimeout} after `ms`; the work itself goes on (see `handle`). */
async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RequestTimeout(ms)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The chat of the guide's section 5.1 over Socket.IO: rooms, history, presence, typing and read
 * receipts. Validates every event with its protocol schema and answers every request through its
 * ack. The handshake (session, origin) is the shared Socket.IO server's (`createSocketIo`).
 *
 * @example
 * const io = createSocketIo(httpServer, deps) as unknown as ChatServer
 * attachChat(io, { store, limits, metrics, log })
 */
export function attachChat(io: ChatServer, deps: ChatDeps): Chat {
  const { store, limits, metrics, log } = deps
  const presence = deps.presence ?? createPresence()
  const budgets = createBudgetLimiter({
    budgets: limits.budgets,
    ipFactor: limits.ipFactor,
    redis: deps.redis,
  })
  const typingLimiter = createRateLimiter({
    ...TYPING_RATE,
    ...(deps.redis && { redis: { ...deps.redis, keyPrefix: `${deps.redis.keyPrefix}rl:typing` } }),
  })
  const requestTimeoutMs = limits.requestTimeoutMs ?? 2500
  const redisClient = deps.redis?.client
  const timers = new Set<ReturnType<typeof setTimeout>>()

  /**
   * In cluster mode a broadcast goes through Redis, and waits for it: while Redis is away, to
   * this instance's own sockets only, at once. The other instances' members get those messages
   * from the database once Redis is back (see `caughtUpAfterOutage`).
   */
  function reach<Target extends { readonly local: Target }>(target: Target): Target {
    return redisClient !== undefined && redisClient.status !== 'ready' ? target.local : target
  }
  /** Every socket, as `io.emit` reaches them, but as an operator {@link reach} can narrow. */
  const everyone = () => reach(io.except([]))

  const missed = createMissedMessages({
    store,
    log,
    localRooms: function* () {
      for (const key of io.of('/').adapter.rooms.keys()) {
        if (key.startsWith(ROOM_PREFIX)) yield key.slice(ROOM_PREFIX.length)
      }
    },
    emitLocally: (roomId, message) => io.local.to(roomKey(roomId)).emit('room-message', message),
  })
  // Another instance's Redis came back: our members may have missed what it stored meanwhile.
  io.on('missed-messages', (request) => {
    if (typeof request?.since === 'number' && Number.isFinite(request.since)) {
      missed.replaySince(request.since)
    }
  })

  /** Logs what went wrong in something nobody waits for; never lets it become unhandled. */
  const logFailure = (what: string) => (error: unknown) => {
    if (isStoreUnavailable(error)) log.warn(`[chat] ${what}: a store is unavailable`)
    else log.error(`[chat] ${what} failed`, error)
  }

  // Members of an instance that died (or came back) are announced by whoever noticed.
  presence.onExternalChange(({ joined, left }) => {
    for (const { roomId, user } of joined) {
      announce('user-joined', roomId, user).catch(logFailure(`announcing ${user.id} in ${roomId}`))
    }
    for (const { roomId, user } of left) {
      announce('user-left', roomId, user).catch(logFailure(`announcing ${user.id} left ${roomId}`))
    }
  })

  /**
   * Charges a creation point and checks `CHAT_MAX_ROOMS` before a room is made.
   */
  async function mayCreate(socket: ChatSocket, roomId: RoomId): Promise<AckError | undefined> {
    if (await store.hasRoom(roomId)) return undefined
    const refused = await charge(socket, 'create')
    if (refused) return refused
    if ((await store.countRooms()) >= limits.maxRooms) {
      return fail(
        'limit_reached',
        `this server keeps at most ${limits.maxRooms} rooms; join an existing one`,
      )
    }
    return undefined
  }

  // Every handler takes the socket as an argument instead of closing over it: they are made once
  // per server, not once per connection (an idle socket then holds no closures of ours).
  handle('join-room', async (socket, { roomId, create }) => {
    const user = socket.data.user
    let room = await store.findRoom(roomId)
    if (!room) {
      if (create === false) {
        return fail('not_found', `no room ${roomId}; create it with create-room first`)
      }
      const refused = await mayCreate(socket, roomId)
      if (refused) return refused
      const made = await store.ensureRoom(roomId, user.id)
      room = made.room
      if (made.created) everyone().emit('room-created', await roomInfo(made.room))
    }
    // The socket may have gone while we awaited; joining now would leave a ghost member.
    if (!socket.connected) return fail('not_in_room', 'disconnected')
    // Joining a room is local to this instance (the adapter's own bookkeeping): nothing to await.
    void socket.join(roomKey(roomId))
    await joinPresence(socket, roomId, user)
    const [page, reads, members, info] = await Promise.all([
      store.listMessages(roomId, { limit: CHAT_HISTORY_PAGE }),
      store.listReads(roomId),
      presence.members(roomId),
      roomInfo(room),
    ])
    return { ok: true, room: info, history: page.messages, hasMore: page.hasMore, members, reads }
  })

  handle('leave-room', async (socket, { roomId }) => {
    const user = socket.data.user
    void socket.leave(roomKey(roomId))
    if ((await presence.leave(roomId, user.id, socket.id)).changed) {
      await announce('user-left', roomId, user)
    }
    return { ok: true }
  })

  handle('send-message', async (socket, { roomId, text, clientId }) => {
    const user = socket.data.user
    if (!presence.has(roomId, socket.id)) return notInRoom(roomId)
    const length = chatTextLength(text)
    if (length > limits.maxLength) {
      return fail(
        'too_large',
        `text: must be at most ${limits.maxLength} characters, got ${length}`,
      )
    }
    // Stored first: a message somebody saw is never lost by a crash before the insert. The
    // unique index on (room, user, clientId) is also the dedupe: one statement per send, not a
    // lookup and then an insert.
    const { message } = await store.insertMessage({
      roomId,
      user,
      text,
      clientId,
      ts: Date.now(),
    })
    // The sender's socket gets it in the ack; its other tabs get it from the room. A retry after
    // a lost ack (it paid its point like any send: replays are not free) is answered with what
    // was stored and broadcast again: the first broadcast may have died with the instance that
    // stored it, and clients merge messages by id, so members who got it already see no change.
    reach(socket.to(roomKey(roomId))).emit('room-message', message)
    return { ok: true, message }
  })

  handle('load-history', async (socket, { roomId, before, limit }) => {
    if (!presence.has(roomId, socket.id)) return notInRoom(roomId)
    const page = await store.listMessages(roomId, { before, limit: limit ?? CHAT_HISTORY_PAGE })
    return { ok: true, messages: page.messages, hasMore: page.hasMore }
  })

  handle('typing', async (socket, { roomId, typing }) => {
    const user = socket.data.user
    if (!presence.has(roomId, socket.id)) return notInRoom(roomId)
    const allowed = await typingLimiter.consume(user.id)
    if (!allowed.ok) return fail('rate_limited', 'typing events are throttled')
    reach(socket.to(roomKey(roomId))).emit('user-typing', {
      roomId,
      userId: user.id,
      userName: user.name,
      typing,
    })
    return { ok: true }
  })

  handle('mark-read', async (socket, { roomId, messageId }) => {
    const user = socket.data.user
    if (!presence.has(roomId, socket.id)) return notInRoom(roomId)
    if (!(await store.hasMessage(roomId, messageId))) {
      return fail('invalid', `messageId: no message ${messageId} in room ${roomId}`)
    }
    const receipt = { roomId, userId: user.id, userName: user.name, messageId }
    if (await store.markRead(receipt))
      reach(socket.to(roomKey(roomId))).emit('read-receipt', receipt)
    return { ok: true }
  })

  handle('list-rooms', async (_socket, payload) => {
    const { rooms, hasMore } = await store.listRooms({
      after: payload?.after,
      limit: payload?.limit ?? CHAT_ROOMS_PAGE,
    })
    return { ok: true, rooms: await Promise.all(rooms.map(roomInfo)), hasMore }
  })

  handle('create-room', async (socket, payload) => {
    // The handler already paid a creation point; only the room count is left to check.
    const exists =
      'roomId' in payload
        ? await store.hasRoom(payload.roomId)
        : await store.hasRoomNamed(payload.name)
    if (!exists && (await store.countRooms()) >= limits.maxRooms) {
      return fail(
        'limit_reached',
        `this server keeps at most ${limits.maxRooms} rooms; join an existing one`,
      )
    }
    const userId = socket.data.user.id
    const { room, created } =
      'roomId' in payload
        ? await store.ensureRoom(payload.roomId, userId)
        : await store.createNamedRoom(payload.name, userId)
    const info = await roomInfo(room)
    if (created) everyone().emit('room-created', info)
    return { ok: true, room: info, created }
  })

  /** Socket.IO calls a listener with the socket as `this`, so one function serves every socket. */
  function onDisconnect(this: ChatSocket, reason: string): void {
    disconnected(this, reason)
  }

  function disconnected(socket: ChatSocket, reason: string): void {
    // This server is stopping and the client will reconnect (to another instance in cluster
    // mode, recovering this socket): leaving now would flash "left" and "joined" at the room.
    if (reason === 'server shutting down') return presence.forget(socket.id)
    // Covers closed and crashed tabs alike: the socket is gone, so is its share of presence.
    presence
      .leaveAll(socket.id)
      .then((left: Departure[]) =>
        Promise.all(left.map(({ roomId, user }) => announce('user-left', roomId, user))),
      )
      .catch(logFailure(`clearing the presence of ${socket.id}`))
  }

  io.on('connection', (socket) => {
    if (socket.recovered) {
      // Connection state recovery gave the socket its rooms back (possibly on another instance
      // than before), but presence forgot it on disconnect; put it back so the member list matches.
      const user = socket.data.user
      for (const key of socket.rooms) {
        if (!key.startsWith(ROOM_PREFIX)) continue
        const roomId = key.slice(ROOM_PREFIX.length)
        joinPresence(socket, roomId, user).catch(logFailure(`restoring ${user.id} in ${roomId}`))
      }
    }
    socket.on('disconnect', onDisconnect)
  })

  async function joinPresence(socket: ChatSocket, roomId: RoomId, user: SessionUser) {
    if (!(await presence.join(roomId, user, socket.id)).changed) return
    await announce('user-joined', roomId, user, socket)
  }

  /**
   * Tells the room that a user arrived or left, then sends everyone the member list. `except`
   * skips the socket that joined: its join ack already says who is there.
   */
  async function announce(
    event: 'user-joined' | 'user-left',
    roomId: RoomId,
    user: SessionUser,
    except?: ChatSocket,
  ): Promise<void> {
    // Read first, so the two events leave back to back (a reader that saw one sees the other).
    const members = await presence.members(roomId)
    const payload = { roomId, userId: user.id, userName: user.name }
    reach(except ? except.to(roomKey(roomId)) : io.to(roomKey(roomId))).emit(event, payload)
    reach(io.to(roomKey(roomId))).emit('presence', { roomId, members })
  }

  /** Takes one point of `kind` from the socket's user and IP; the refusal to ack when out. */
  async function charge(socket: ChatSocket, kind: BudgetKind): Promise<AckError | undefined> {
    const ip = clientAddressOf(socket, deps.proxyTrust)
    const allowed = await budgets.consume(kind, socket.data.user.id, ip)
    if (allowed.ok) return undefined
    const { points, seconds } = limits.budgets[kind]
    const retry = Math.max(1, Math.ceil(allowed.retryAfterMs / 1000))
    const who =
      allowed.scope === 'user' ? '' : ` from one address (${limits.ipFactor} users' worth)`
    const max = allowed.scope === 'user' ? points : points * limits.ipFactor
    return fail(
      'rate_limited',
      `at most ${max} ${BUDGET_NOUN[kind]} per ${seconds} s${who}; retry in ${retry} s`,
      allowed.retryAfterMs,
    )
  }

  /** Stores are logged at most once a while: during an outage every request would say the same. */
  let lastOutageLog = 0
  function unavailable(event: ClientEventName, error: unknown): AckError {
    const now = Date.now()
    if (now - lastOutageLog > 10_000) {
      lastOutageLog = now
      log.warn(
        `[chat] ${event} answered unavailable (${error instanceof Error ? error.message : String(error)}); ` +
          `further ones are not logged for 10 s`,
      )
    }
    const retry = STORE_RETRY_AFTER_MS / 1000
    const what =
      error instanceof RequestTimeout
        ? `the server could not finish this within ${requestTimeoutMs / 1000} s`
        : 'chat storage is unreachable right now'
    return fail(
      'unavailable',
      `${what}; retry in ${retry} s (a message sent again with its clientId is stored once)`,
      STORE_RETRY_AFTER_MS,
    )
  }

  async function roomInfo(room: StoredRoom): Promise<Room> {
    return {
      id: room.id,
      name: room.name,
      createdAt: room.createdAt,
      online: await presence.count(room.id),
    }
  }

  /**
   * Makes the listener of one request event: validates the payload with the event's schema, runs
   * the handler, and acks the result. Nothing a client sends can crash the server: a bad payload
   * is acked `invalid`, a thrown error `internal`, and a missing ack is simply not called. The
   * listener is shared by every socket, which Socket.IO passes as `this`.
   *
   * Every request is answered within `requestTimeoutMs`. A store that is down (or a request still
   * waiting for one when time is up) is acked `unavailable` with `retryAfterMs`, and the budget
   * point it took is given back: the client did nothing wrong, and will retry as told. A request
   * that timed out goes on in the background; a send that then stores its message is found by its
   * clientId when the client retries, so it is stored once.
   */
  function handle<E extends ClientEventName>(
    event: E,
    handler: (socket: ChatSocket, payload: Payload<E>) => Promise<AckOf<E>>,
  ): void {
    const schema: z.ZodType = ClientEventSchemas[event]
    const run = async (socket: ChatSocket, args: unknown[]): Promise<void> => {
      const last = args.at(-1)
      const ack = typeof last === 'function' ? (last as (response: unknown) => void) : undefined
      // `emit('list-rooms', ack)` has no payload: then the ack is the first argument.
      const payload = ack !== undefined && args.length === 1 ? undefined : args[0]
      let response: AckOf<E> | AckError
      let charged = false
      const kind = EVENT_BUDGET[event]
      try {
        response = await within(
          (async (): Promise<AckOf<E> | AckError> => {
            // Charged before parsing: a flood of malformed events costs its sender like any other.
            const refused = await charge(socket, kind)
            if (refused) return refused
            charged = true
            const parsed = schema.safeParse(payload)
            return parsed.success
              ? await handler(socket, parsed.data as Payload<E>)
              : fail('invalid', describeZodError(parsed.error))
          })(),
          requestTimeoutMs,
        )
      } catch (error) {
        if (error instanceof RequestTimeout || isStoreUnavailable(error)) {
          response = unavailable(event, error)
        } else {
          log.error(`[chat] ${event} from ${socket.data.user.id} failed`, error)
          response = fail('internal', 'an unknown error has occurred')
        }
      }
      if (charged && !response.ok && response.error.code === 'unavailable') {
        budgets
          .refund(kind, socket.data.user.id, socket.handshake.address)
          .catch(logFailure(`refunding ${event} of ${socket.data.user.id}`))
      }
      if (!response.ok) metrics.rejected.inc({ transport: 'socketio', code: response.error.code })
      if (ack) {
        metrics.messagesOut.inc({ transport: 'socketio' })
        ack(response)
      }
    }
    // At the edge arguments are whatever the client sent; the listener takes `unknown` on purpose.
    onEverySocket(io, event, function (this: ChatSocket, ...args: unknown[]) {
      return run(this, args)
    })
  }

  return {
    presence,
    caughtUpAfterOutage(since) {
      missed.replaySince(since)
      // Ask twice: the first request can reach an instance whose own Redis connections are not
      // back yet (a subscriber reconnects on its own schedule), and a message published meanwhile
      // is lost to it.
      const ask = () => {
        if (redisClient?.status === 'ready') io.serverSideEmit('missed-messages', { since })
      }
      ask()
      const timer = setTimeout(() => {
        timers.delete(timer)
        ask()
      }, SECOND_CATCH_UP_MS)
      timer.unref()
      timers.add(timer)
    },
    stop() {
      missed.stop()
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
  }
}

function notInRoom(roomId: RoomId): AckError {
  return fail('not_in_room', `join room ${roomId} first`)
}
