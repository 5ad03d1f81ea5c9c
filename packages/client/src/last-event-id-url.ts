/** The query parameter that carries the last seen event id to a new EventSource. */
const LAST_EVENT_ID_PARAM = 'lastEventId'

/**
 * Adds (or replaces) `lastEventId` in a URL, relative or absolute. A new EventSource cannot set
 * the `Last-Event-ID` header, so a stream opened by the manager resumes through the query instead.
 * Other parameters are kept byte for byte, so `symbols=AAPL,MSFT` does not turn into `%2C`.
 *
 * @example
 * withLastEventId('/api/prices/stream?symbols=AAPL', '42')
 * // '/api/prices/stream?symbols=AAPL&lastEventId=42'
 */
export function withLastEventId(url: string, lastEventId: string): string {
  const hashAt = url.indexOf('#')
  const hash = hashAt === -1 ? '' : url.slice(hashAt)
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt)
  const queryAt = beforeHash.indexOf('?')
  const path = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt)
  const query = queryAt === -1 ? '' : beforeHash.slice(queryAt + 1)
  const kept = query
    .split('&')
    .filter((pair) => pair !== '' && pair.split('=')[0] !== LAST_EVENT_ID_PARAM)
  kept.push(`${LAST_EVENT_ID_PARAM}=${encodeURIComponent(lastEventId)}`)
  return `${path}?${kept.join('&')}${hash}`
}
