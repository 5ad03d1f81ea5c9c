import type { EventData, EventMap, EventName } from '@duplex/protocol/events'
import { EventSource as FetchEventSource } from 'eventsource'
import { type BackoffOptions, DEFAULT_BACKOFF, fullJitterDelay } from './backoff.ts'
import { withLastEventId } from './last-event-id-url.ts'
import { createSseWireTap, type FetchFunction, type WireFrame } from './wire-tap.ts'

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** Why a stream is `reconnecting`. */
export type ReconnectCause =
  /** The connection dropped; the EventSource retries by itself and sends `Last-Event-ID`. */
  | 'dropped'
  /** It dropped while `url()` pointed elsewhere, so a new EventSource opened on the new URL. */
  | 'url-changed'
  /** The server failed the request (5xx, 408, 429, not an event stream): waiting out a backoff. */
  | 'http-error'
  /** The app called `reconnect()`. */
  | 'requested'

/** Why a stream is `closed`. */
export type CloseReason =
  /** `connect()` has not been called yet, or the stream is disabled. */
  | 'idle'
  /** The stream ended on purpose: a terminal event, or HTTP 204. Reconnecting would be wrong. */
  | 'ended'
  /** The app called `close()`. */
  | 'closed-by-client'
  /** The server refused the request with a 4xx that retrying will not fix (400, 401, 404…). */
  | 'http-error'
  /** `backoff.maxRetries` ran out, or the URL could not be opened at all. */
  | 'gave-up'

/** The status and why. A new object on every change, so it can be a `useSyncExternalStore` snapshot. */
export type StreamState =
  | { status: 'connecting' }
  | { status: 'open' }
  | {
      status: 'reconnecting'
      cause: ReconnectCause
      /** Consecutive failures since the stream was last open. */
      attempt: number
      /** Backoff before the next request, when the manager (not the EventSource) waits. */
      delayMs?: number
      httpStatus?: number
    }
  | { status: 'closed'; reason: CloseReason; httpStatus?: number }

export interface EventMeta<K extends string> {
  /** The frame's `id:`, when it had one. */
  id?: string
  event: K
}

export type EventHandler<M extends EventMap, K extends EventName<M>> = (
  data: EventData<M, K>,
  meta: EventMeta<K>,
) => void

/** An event whose data was not JSON or failed its schema. It was skipped. */
export interface InvalidEvent<M extends EventMap> {
  event: EventName<M>
  id?: string
  /** The raw `data` text. */
  data: string
  /** A `SyntaxError` from `JSON.parse`, or the `ZodError`. */
  error: Error
}

/** What the manager needs from an EventSource; both the browser's and the `eventsource` package's fit. */
export interface EventSourceLike {
  readonly readyState: number
  addEventListener(type: string, listener: (event: Event) => void): void
  close(): void
}

export type EventSourceConstructor = new (
  url: string,
  init?: { withCredentials?: boolean; fetch?: FetchFunction },
) => EventSourceLike

export interface EventStreamOptions<M extends EventMap> {
  /** Evaluated at every connect the manager performs, so a page can point it at a new query. */
  url: string | (() => string)
  /** Event name → zod schema of its JSON data. Only these names are listened to. */
  events: M
  /** After dispatching one of these, the stream closes on purpose (`ended`) and never reconnects. */
  terminalEvents?: readonly EventName<M>[]
  withCredentials?: boolean
  backoff?: BackoffOptions
  /**
   * Raw frames as they cross the wire, for the wire panel. Turns on the wire tap, which rides on
   * the EventSource's `fetch` option: the browser's own EventSource has none and reports nothing.
   */
  onWire?: (frame: WireFrame) => void
  /** Data that is not JSON or fails its schema. Default: `console.warn`. */
  onInvalid?: (invalid: InvalidEvent<M>) => void
  /** An event handler threw, or the URL could not be opened. Default: `console.error`. */
  onError?: (error: unknown) => void
  /**
   * Default: the `eventsource` package, whose error events carry the HTTP status. The browser's
   * own EventSource reports no status, so every refusal looks retryable and backs off forever
   * (bound it with `backoff.maxRetries`).
   */
  EventSource?: EventSourceConstructor
  /** Passed to the EventSource (and wrapped by the wire tap). */
  fetch?: FetchFunction
}

export interface EventStream<M extends EventMap> {
  /** Subscribes to one event with its typed data. Returns the unsubscribe function. */
  on<K extends EventName<M>>(name: K, handler: EventHandler<M, K>): () => void
  /** Called on every status change. Returns the unsubscribe function. */
  onStatus(listener: (state: StreamState) => void): () => void
  readonly status: StreamStatus
  readonly state: StreamState
  /** The last event id seen on any connection of this stream. */
  readonly lastEventId: string | undefined
  /** Opens the stream. Does nothing while it is already connecting, open or reconnecting. */
  connect(): void
  /** Closes the current connection and opens a new one on `url()` at once, with `lastEventId`. */
  reconnect(): void
  /** Stops everything: the EventSource, its retry and every backoff timer. */
  close(): void
}

const CONNECTING = 0
const CLOSED = 2
const IDLE: StreamState = { status: 'closed', reason: 'idle' }

/**
 * The typed EventSource manager every SSE page uses: zod-validated events, terminal events,
 * resume by `Last-Event-ID` (header on the EventSource's own retries, `lastEventId` query
 * parameter on the manager's), backoff with full jitter, and an optional wire tap.
 *
 * @example
 * const stream = createEventStream({
 *   url: () => `/api/prices/stream?symbols=${watchlist.join(',')}`,
 *   events: PriceEvents,
 * })
 * stream.on('tick', (tick) => chart.add(tick.symbol, tick.price))
 * stream.onStatus((state) => console.info(state.status))
 * stream.connect()
 */
export function createEventStream<M extends EventMap>(
  options: EventStreamOptions<M>,
): EventStream<M> {
  const EventSourceImpl: EventSourceConstructor = options.EventSource ?? FetchEventSource
  const maxRetries = options.backoff?.maxRetries ?? DEFAULT_BACKOFF.maxRetries
  const terminal = new Set<string>(options.terminalEvents ?? [])
  // One tap for the stream's whole life, so connection numbers keep counting across EventSources.
  const fetch = options.onWire
    ? createSseWireTap(options.onWire, { fetch: options.fetch })
    : options.fetch
  const onInvalid =
    options.onInvalid ??
    ((invalid: InvalidEvent<M>) =>
      console.warn(`[duplex/client] skipped invalid "${invalid.event}"`, invalid.error))
  const onError = options.onError ?? ((error: unknown) => console.error('[duplex/client]', error))

  const handlers = new Map<string, Set<(data: unknown, meta: EventMeta<string>) => void>>()
  const statusListeners = new Set<(state: StreamState) => void>()

  let state = IDLE
  let active = false
  let source: EventSourceLike | undefined
  /** What `url()` returned when `source` was opened, before `lastEventId` was added. */
  let sourceUrl: string | undefined
  let backoffTimer: ReturnType<typeof setTimeout> | undefined
  let attempt = 0
  let lastEventId: string | undefined

  function setState(next: StreamState): void {
    state = next
    for (const listener of [...statusListeners]) listener(next)
  }

  function resolveUrl(): string {
    return typeof options.url === 'function' ? options.url() : options.url
  }

  function clearBackoff(): void {
    if (backoffTimer !== undefined) clearTimeout(backoffTimer)
    backoffTimer = undefined
  }

  function detach(): void {
    const old = source
    source = undefined
    sourceUrl = undefined
    if (!old) return
    old.close()
    // The eventsource package fires `error` first and only then arms its retry timer, so a
    // close() from inside that error handler runs too early to clear it. Closing once more
    // after the handler returns does.
    queueMicrotask(() => old.close())
  }

  function stop(reason: CloseReason, httpStatus?: number): void {
    active = false
    clearBackoff()
    detach()
    setState(
      httpStatus === undefined
        ? { status: 'closed', reason }
        : { status: 'closed', reason, httpStatus },
    )
  }

  /** Opens a new EventSource on `url()`; `next` is the state to announce, if it changes. */
  function open(next?: StreamState): void {
    clearBackoff()
    detach()
    let url: string
    let es: EventSourceLike
    try {
      url = resolveUrl()
      const target = lastEventId === undefined ? url : withLastEventId(url, lastEventId)
      es = new EventSourceImpl(target, {
        withCredentials: options.withCredentials ?? false,
        ...(fetch ? { fetch } : {}),
      })
    } catch (error) {
      onError(error)
      stop('gave-up')
      return
    }
    source = es
    sourceUrl = url
    if (next) setState(next)

    es.addEventListener('open', () => {
      if (es !== source) return
      attempt = 0
      setState({ status: 'open' })
    })
    es.addEventListener('error', (event) => {
      if (es !== source) return
      if (es.readyState === CLOSED) gaveUp((event as Event & { code?: number }).code)
      else if (es.readyState === CONNECTING) dropped()
    })
    for (const name of Object.keys(options.events)) {
      es.addEventListener(name, (event) => {
        if (es === source) receive(name, event as MessageEvent<string>)
      })
    }
  }

  /** The EventSource lost the connection and is retrying on its own. */
  function dropped(): void {
    attempt++
    if (attempt > maxRetries) return stop('gave-up')
    let url: string
    try {
      url = resolveUrl()
    } catch (error) {
      onError(error)
      return stop('gave-up')
    }
    if (url !== sourceUrl) {
      // Its own retry would ask for the old query (a watchlist the page has since changed).
      return open({ status: 'reconnecting', cause: 'url-changed', attempt })
    }
    setState({ status: 'reconnecting', cause: 'dropped', attempt })
  }

  /** The EventSource failed the connection and will not retry. */
  function gaveUp(httpStatus: number | undefined): void {
    detach()
    if (httpStatus === 204) return stop('ended', 204)
    if (
      httpStatus !== undefined &&
      httpStatus >= 400 &&
      httpStatus < 500 &&
      httpStatus !== 408 &&
      httpStatus !== 429
    ) {
      return stop('http-error', httpStatus)
    }
    attempt++
    if (attempt > maxRetries) return stop('gave-up', httpStatus)
    const delayMs = fullJitterDelay(attempt - 1, options.backoff)
    // Armed before the state change, so a status listener that calls close() clears it.
    backoffTimer = setTimeout(() => {
      backoffTimer = undefined
      if (active) open()
    }, delayMs)
    setState({
      status: 'reconnecting',
      cause: 'http-error',
      attempt,
      delayMs,
      ...(httpStatus === undefined ? {} : { httpStatus }),
    })
  }

  function receive(name: string, event: MessageEvent<string>): void {
    const id = event.lastEventId === '' ? undefined : event.lastEventId
    if (id !== undefined) lastEventId = id
    const meta: EventMeta<string> = id === undefined ? { event: name } : { id, event: name }
    const schema = options.events[name]
    let data: unknown
    let valid = false
    try {
      const parsed = schema?.safeParse(JSON.parse(event.data))
      if (parsed && !parsed.success) throw parsed.error
      data = parsed?.data
      valid = parsed !== undefined
    } catch (error) {
      onInvalid({ ...meta, event: name as EventName<M>, data: event.data, error: error as Error })
    }
    if (valid) {
      for (const handler of [...(handlers.get(name) ?? [])]) {
        try {
          handler(data, meta)
        } catch (error) {
          // One broken handler must not starve the others or stop the stream.
          onError(error)
        }
      }
    }
    // A terminal event ends the stream even when its data is invalid: the server said it is done.
    if (terminal.has(name) && active) stop('ended')
  }

  function connect(): void {
    if (active) return
    active = true
    attempt = 0
    open({ status: 'connecting' })
  }

  return {
    on(name, handler) {
      let set = handlers.get(name)
      if (!set) handlers.set(name, (set = new Set()))
      const entry = handler as (data: unknown, meta: EventMeta<string>) => void
      set.add(entry)
      return () => {
        set.delete(entry)
      }
    },
    onStatus(listener) {
      statusListeners.add(listener)
      return () => {
        statusListeners.delete(listener)
      }
    },
    get status() {
      return state.status
    },
    get state() {
      return state
    },
    get lastEventId() {
      return lastEventId
    },
    connect,
    reconnect() {
      if (!active) return connect()
      attempt = 0
      open({ status: 'reconnecting', cause: 'requested', attempt })
    },
    close() {
      // Already closed (ended, refused, gave up): keep that reason, there is nothing left to stop.
      if (!active) return
      stop('closed-by-client')
    },
  }
}
