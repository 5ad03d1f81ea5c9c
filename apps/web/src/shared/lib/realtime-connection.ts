import {
  DISCONNECT_REASON_EVENT,
  DisconnectReasonCode,
  DisconnectReasonSchema,
} from '@duplex/protocol/realtime'
import { io, type Socket } from 'socket.io-client'
import type { ConnectionStatus } from '@/shared/lib/connection-status'
import { realtimeAuthToken } from './realtime-auth'
import {
  AckNames,
  describeEnginePacket,
  type EnginePacketLike,
  type WireFrame,
} from './realtime-wire'

/** Socket.IO's own bound for event maps (`socket.io-client` does not export its `EventsMap`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the same constraint Socket.IO uses
type EventsMap = Record<string, any>

/** Why a session ended while the page had it: the page says so and does not reconnect. */
export type SessionEnd = 'signed_out' | 'session_expired'

export interface RealtimeConnectionState {
  status: ConnectionStatus
  /**
   * Why the server refused the connection (`unauthorized: no session token`), when it did. A
   * refusal is final: socket.io-client does not retry until told to.
   */
  refusal: string | null
  /**
   * The session was signed out (in this tab or another, on any instance) or expired: the server
   * closed the connection saying so, or refused the handshake for that reason. Final, like a
   * refusal; the page offers to sign in again.
   */
  ended: SessionEnd | null
  /** The last transient failure (server down, network), shown while reconnecting. */
  lastError: string | null
  /** Round trip of the latest acked request, in ms. */
  latencyMs: number | null
  /** `polling` or `websocket`: engine.io starts with long-polling and upgrades. */
  transport: string | null
  /** Whether the last reconnect got its rooms and missed events back (connection state recovery). */
  recovered: boolean
  /** How many times the socket connected; above 1 means it reconnected. */
  connects: number
  /** Connection attempts that failed since the socket was last open. */
  failedAttempts: number
}

export interface RealtimeConnection<
  S extends EventsMap = EventsMap,
  C extends EventsMap = EventsMap,
> {
  socket: Socket<S, C>
  getState(): RealtimeConnectionState
  subscribe(listener: () => void): () => void
  /** Every engine.io packet in and out, rendered for the wire panel. */
  onWire(listener: (frame: WireFrame) => void): () => void
  /** Records the round trip of a request the page made, for the latency figure. */
  recordLatency(ms: number): void
  /** Tries again after a refusal, e.g. once the visitor signed in anew. */
  retry(): void
  close(): void
}

export interface RealtimeConnectionOptions<S extends EventsMap, C extends EventsMap> {
  /**
   * A cheap request with an ack, sent now and then while the tab is visible to measure the round
   * trip; calls `answered` when the ack arrives (not on a timeout). Without it, only the requests
   * the page reports through `recordLatency` count.
   */
  probe?: (socket: Socket<S, C>, answered: () => void) => void
}

/** How often an idle connection measures its round trip (see `probe`). */
const PROBE_INTERVAL_MS = 10_000

/** How long after a (re)connect the first probe waits for the page's own requests to measure. */
const FIRST_PROBE_DELAY_MS = 3_000

/** When the server said `unavailable` without saying for how long. */
const UNAVAILABLE_RETRY_MS = 2000

/** What the server's `connect_error` carries (see the handshake in the realtime server). */
interface HandshakeRefusal {
  code?: unknown
  reason?: unknown
  retryAfterMs?: unknown
}

/** The session reasons of a refused handshake that mean "it ended", not "something is wrong". */
function endedBy(data: HandshakeRefusal | undefined): SessionEnd | null {
  if (data?.code !== 'unauthorized') return null
  if (data.reason === 'revoked') return 'signed_out'
  if (data.reason === 'expired') return 'session_expired'
  return null
}

/**
 * Where io() must connect for a realtime base URL. A path in the URL (a proxy serving the server
 * under `/realtime`) is a prefix of the Socket.IO path, not a namespace, which is what io() would
 * take it for.
 */
export function socketEndpoint(url: string): { origin: string; path: string } {
  const { origin, pathname } = new URL(url)
  return { origin, path: `${pathname.replace(/\/+$/, '')}/socket.io/` }
}

/**
 * One Socket.IO connection to the realtime server, shared by the pages of a tab that use it.
 *
 * Authentication rides on the httpOnly session cookie (`withCredentials` for the long-polling
 * requests; the WebSocket upgrade carries cookies by itself). Only when the realtime server is on
 * another host name does `auth` carry the token, fetched fresh before every (re)connect.
 */
export function createRealtimeConnection<S extends EventsMap, C extends EventsMap>(
  url: string,
  options: RealtimeConnectionOptions<S, C> = {},
): RealtimeConnection<S, C> {
  const { origin, path } = socketEndpoint(url)
  // Untyped inside: this core only uses Socket.IO's reserved events; the caller's maps type the rest.
  const socket: Socket = io(origin, {
    path,
    autoConnect: false,
    withCredentials: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    auth: (cb) => {
      void realtimeAuthToken(url).then((token) => cb(token ? { token } : {}))
    },
  })

  const typed = socket as unknown as Socket<S, C>

  let state: RealtimeConnectionState = {
    status: 'connecting',
    refusal: null,
    ended: null,
    lastError: null,
    latencyMs: null,
    transport: null,
    recovered: false,
    connects: 0,
    failedAttempts: 0,
  }
  const listeners = new Set<() => void>()
  const wireListeners = new Set<(frame: WireFrame) => void>()
  const acks = new AckNames()

  const set = (patch: Partial<RealtimeConnectionState>) => {
    state = { ...state, ...patch }
    for (const listener of listeners) listener()
  }
  const emitWire = (frame: WireFrame) => {
    for (const listener of wireListeners) listener(frame)
  }

  // The manager builds a new engine for every (re)connect attempt. Tap each one as soon as it
  // exists, so the handshake (`0{"sid":…}`) is on the panel too; the `open` event would be too late.
  const manager = socket.io
  const tapped = new WeakSet<object>()
  let engines = 0
  const open = manager.open.bind(manager)
  manager.open = (fn?: (err?: Error) => void) => {
    const result = open(fn)
    const engine = manager.engine
    if (engine && !tapped.has(engine)) {
      tapped.add(engine)
      // Numbered per engine.io connection, so the panel shows where a reconnect started.
      const connection = ++engines
      engine.on('packet', (packet: EnginePacketLike) =>
        emitWire({ ...describeEnginePacket(packet, 'in', acks), connection }),
      )
      engine.on('packetCreate', (packet: EnginePacketLike) =>
        emitWire({ ...describeEnginePacket(packet, 'out', acks), connection }),
      )
      engine.on('open', () => set({ transport: engine.transport.name }))
      engine.on('upgrade', (transport) => {
        // The upgrade packet goes straight to the new transport, so engine.io never reports it.
        emitWire({ direction: 'out', kind: 'upgrade', text: '5', bytes: 1, connection })
        set({ transport: transport.name })
      })
    }
    return result
  }

  socket.on('connect', () => {
    set({
      status: 'open',
      refusal: null,
      ended: null,
      lastError: null,
      recovered: socket.recovered,
      connects: state.connects + 1,
      failedAttempts: 0,
      transport: manager.engine.transport.name,
    })
  })
  let serverKicks = 0
  // The server says why right before it hangs up on purpose (`slow_consumer`, `signed_out`…).
  let announced: { code: string; message: string } | null = null
  socket.on(DISCONNECT_REASON_EVENT, (payload: unknown) => {
    const parsed = DisconnectReasonSchema.safeParse(payload)
    if (parsed.success) announced = parsed.data
  })
  socket.on('disconnect', (reason) => {
    const told = reason === 'io server disconnect' ? announced : null
    announced = null
    const ended: SessionEnd | null =
      told?.code === DisconnectReasonCode.signedOut
        ? 'signed_out'
        : told?.code === DisconnectReasonCode.sessionExpired
          ? 'session_expired'
          : null
    // `io client disconnect` is us; transport losses are retried by socket.io-client on its own.
    // The last round trip says nothing about a connection that is gone.
    set({
      status: socket.active ? 'reconnecting' : 'closed',
      lastError: told ? `${told.code}: ${told.message}` : reason,
      transport: null,
      latencyMs: null,
      ...(ended && { ended }),
    })
    // The session is over: reconnecting would be refused, and a loop would hide why.
    if (ended) return
    // Another server hang-up on purpose leaves socket.io-client down. Knock once: the handshake's
    // answer is what to show.
    if (reason === 'io server disconnect' && serverKicks++ < 3) {
      set({ status: 'reconnecting' })
      socket.connect()
    }
  })
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  socket.on('connect_error', (error) => {
    if (socket.active) {
      // A transport failure (server down, network gone): socket.io-client keeps retrying.
      set({
        status: state.connects > 0 ? 'reconnecting' : 'connecting',
        lastError: error.message,
        failedAttempts: state.failedAttempts + 1,
      })
      return
    }
    const data = (error as Error & { data?: HandshakeRefusal }).data
    if (data?.code === 'unavailable') {
      // The server could not check the session (a store is down): not final, try again then.
      const wait = typeof data.retryAfterMs === 'number' ? data.retryAfterMs : UNAVAILABLE_RETRY_MS
      set({
        status: state.connects > 0 ? 'reconnecting' : 'connecting',
        lastError: error.message,
        failedAttempts: state.failedAttempts + 1,
      })
      clearTimeout(retryTimer)
      // Jittered, so the pages of many users do not come back in step.
      retryTimer = setTimeout(() => socket.connect(), wait * (1 + Math.random() / 2))
      return
    }
    const ended = endedBy(data)
    // The server's middleware said no: `unauthorized: …`. Retrying would only be refused again.
    set({ status: 'closed', refusal: ended ? null : error.message, ...(ended && { ended }) })
  })

  let measuredAt = -Infinity
  const measured = (ms: number) => {
    measuredAt = performance.now()
    set({ latencyMs: Math.round(ms) })
  }
  const probe = () => {
    if (!options.probe || !socket.connected || document.visibilityState !== 'visible') return
    // A request the page made itself just measured the round trip: no need to ask again.
    if (performance.now() - measuredAt < PROBE_INTERVAL_MS / 2) return
    const started = performance.now()
    options.probe(typed, () => measured(performance.now() - started))
  }
  // A moment after connecting, not at once: the page's own first request (the lobby's room list)
  // usually reports its round trip by then, and the same request twice would be noise on the wire.
  let firstProbe: ReturnType<typeof setTimeout> | undefined
  socket.on('connect', () => {
    clearTimeout(firstProbe)
    firstProbe = setTimeout(probe, FIRST_PROBE_DELAY_MS)
  })
  const probeTimer = setInterval(probe, PROBE_INTERVAL_MS)

  socket.connect()

  return {
    socket: typed,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onWire(listener) {
      wireListeners.add(listener)
      return () => wireListeners.delete(listener)
    },
    recordLatency: measured,
    retry() {
      if (socket.connected) return
      serverKicks = 0
      set({ status: 'connecting', refusal: null, ended: null })
      socket.connect()
    },
    close() {
      clearInterval(probeTimer)
      clearTimeout(firstProbe)
      clearTimeout(retryTimer)
      socket.removeAllListeners()
      socket.disconnect()
    },
  }
}
