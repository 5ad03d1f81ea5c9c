import type { EventMap, EventName } from '@duplex/protocol/events'
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react'
import {
  createEventStream,
  type EventHandler,
  type EventStream,
  type EventStreamOptions,
  type StreamState,
  type StreamStatus,
} from '../event-stream.ts'

/** One optional handler per event of the map, each typed by its schema. */
export type EventHandlers<M extends EventMap> = Partial<{ [K in EventName<M>]: EventHandler<M, K> }>

export type UseEventStreamOptions<M extends EventMap> = EventStreamOptions<M> & {
  /** `false` closes the stream (and opens none). Default `true`. */
  enabled?: boolean
  /** A new key opens a new stream. Default: the URL when it is a string. */
  key?: string
  handlers: EventHandlers<M>
}

export interface UseEventStreamResult {
  status: StreamStatus
  statusDetail: StreamState
  /** The last event id seen, as of this render. */
  lastEventId: string | undefined
  close(): void
  reconnect(): void
}

const IDLE: StreamState = { status: 'closed', reason: 'idle' }
const STARTING: StreamState = { status: 'connecting' }
const noop = () => {}

/**
 * Opens one typed event stream per `key` for as long as the component is mounted.
 * Handlers, `url()` and the callbacks may change on every render without reopening it.
 *
 * @example
 * const { status } = useEventStream({
 *   url: `/api/tasks/${taskId}/events`,
 *   events: TaskEvents,
 *   terminalEvents: TASK_TERMINAL_EVENTS,
 *   handlers: { progress: (p) => setPercent(p.percent), done: ({ task }) => setTask(task) },
 * })
 */
export function useEventStream<M extends EventMap>(
  options: UseEventStreamOptions<M>,
): UseEventStreamResult {
  const { enabled = true, events, withCredentials } = options
  const key = options.key ?? (typeof options.url === 'string' ? options.url : '')
  const latest = useRef(options)
  useLayoutEffect(() => {
    latest.current = options
  })
  const [stream, setStream] = useState<EventStream<M> | null>(null)

  useEffect(() => {
    if (!enabled) return
    // Read once per stream: these shape the connection itself, unlike handlers and url().
    const { terminalEvents, backoff, EventSource, fetch, onWire, onInvalid, onError } =
      latest.current
    const s = createEventStream<M>({
      url: () => {
        const { url } = latest.current
        return typeof url === 'function' ? url() : url
      },
      events,
      terminalEvents,
      withCredentials,
      backoff,
      EventSource,
      fetch,
      onWire: onWire && ((frame) => latest.current.onWire?.(frame)),
      onInvalid: onInvalid && ((invalid) => latest.current.onInvalid?.(invalid)),
      onError: onError && ((error) => latest.current.onError?.(error)),
    })
    for (const name of Object.keys(events) as EventName<M>[]) {
      s.on(name, (data, meta) => latest.current.handlers[name]?.(data, meta))
    }
    setStream(s)
    s.connect()
    return () => {
      s.close()
      setStream(null)
    }
    // `key` is the identity of the stream: a new one reopens it even though only url() reads it.
  }, [enabled, key, events, withCredentials])

  const subscribe = useCallback(
    (onChange: () => void) => (stream ? stream.onStatus(onChange) : noop),
    [stream],
  )
  const getSnapshot = useCallback(
    () => stream?.state ?? (enabled ? STARTING : IDLE),
    [stream, enabled],
  )
  const state = useSyncExternalStore(subscribe, getSnapshot, getSnapshot)
  const close = useCallback(() => stream?.close(), [stream])
  const reconnect = useCallback(() => stream?.reconnect(), [stream])

  return {
    status: state.status,
    statusDetail: state,
    lastEventId: stream?.lastEventId,
    close,
    reconnect,
  }
}
