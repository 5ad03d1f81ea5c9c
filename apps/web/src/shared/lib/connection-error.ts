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

export function describeConnectionError(reason: string | null): string | null {
  if (!reason) return null
  if (UNREACHABLE.has(reason)) return 'the realtime server is not answering'
  if (reason === 'io server disconnect') return 'the realtime server closed the connection'
  if (reason === 'io client disconnect') return 'disconnected'
  return reason
}

/** Failed attempts in a row after which the page explains instead of only saying "Reconnecting". */
export const UNREACHABLE_AFTER_ATTEMPTS = 3
