/**
 * Socket.IO and engine.io report a lost server in their own words (`xhr poll error`,
 * `websocket error`, `transport close`, `ping timeout`). Readers get what it means for them.
 */
const UNREACHABLE = new Set([
  'xhr poll error',
  'xhr post error',
  'websocket error',
  'transport close',
  'transport error',
  'ping timeout',
  'timeout',
])

/**
 * What a connection error means for the reader. A browser without a network (`navigator.onLine`
 * false) never reached the server, so that comes first: "offline", not "not answering".
 */
export type ConnectionProblem =
  | { kind: 'offline' }
  | { kind: 'unreachable' }
  | { kind: 'serverClosed' }
  | { kind: 'disconnected' }
  | { kind: 'other'; reason: string }

export function classifyConnectionError(
  reason: string | null,
  online = true,
): ConnectionProblem | null {
  if (!online) return { kind: 'offline' }
  if (!reason) return null
  if (UNREACHABLE.has(reason)) return { kind: 'unreachable' }
  if (reason === 'io server disconnect') return { kind: 'serverClosed' }
  if (reason === 'io client disconnect') return { kind: 'disconnected' }
  return { kind: 'other', reason }
}

const ENGLISH: Record<Exclude<ConnectionProblem['kind'], 'other'>, string> = {
  offline: 'this device is offline',
  unreachable: 'the realtime server is not answering',
  serverClosed: 'the realtime server closed the connection',
  disconnected: 'disconnected',
}

/** English words for a connection error; pages use `useDescribeConnectionError` for the locale's. */
export function describeConnectionError(reason: string | null, online = true): string | null {
  const problem = classifyConnectionError(reason, online)
  if (!problem) return null
  return problem.kind === 'other' ? problem.reason : ENGLISH[problem.kind]
}

/** Failed attempts in a row after which the page explains instead of only saying "Reconnecting". */
export const UNREACHABLE_AFTER_ATTEMPTS = 3
