/**
 * Whether an error means "the store is not reachable right now" (PostgreSQL or Redis down,
 * restarting, or cut off), as opposed to a bug or a bad query. Callers answer the first with
 * `unavailable` and a retry hint (HTTP 503, an error ack, close code 1013), never `internal`:
 * nothing was changed, and the same request will work once the store is back.
 *
 * Written by hand: neither driver exports such a test. It reads only public parts of their
 * errors: Node's socket error codes, PostgreSQL's SQLSTATE (`code`, documented in Appendix A of
 * its manual) and the messages pg and ioredis document for a lost or refused connection.
 *
 * @example
 * try { await store.insertMessage(message) }
 * catch (error) { if (isStoreUnavailable(error)) return unavailable('the database'); throw error }
 */
export function isStoreUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    if (matches(cause)) return true
    cause = cause.cause
  }
  // pg-pool can reject with an AggregateError when every address of a host refused.
  if (error instanceof AggregateError) return error.errors.some((e) => isStoreUnavailable(e))
  return false
}

/** Socket-level failures: the server is not there, or went away mid-request. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/**
 * SQLSTATEs of a server that is shutting down, starting up or refusing connections
 * (class 08 is "connection exception"; 57P01–57P03 are shutdowns and "cannot connect now").
 */
const POSTGRES_STATES = new Set(['57P01', '57P02', '57P03', '53300'])

const MESSAGES = [
  // pg: the server closed the connection, or the pool could not get one in time.
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error and is not queryable/,
  /the database system is (starting up|shutting down)/,
  // ioredis: offline queue off, or retries per request used up while reconnecting.
  /Connection is closed/,
  /Stream isn't writeable/,
  /Reached the max retries per request limit/,
  /Command timed out/,
]

function matches(error: Error): boolean {
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || POSTGRES_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
      return true
  }
  if (error.name === 'MaxRetriesPerRequestError') return true
  return MESSAGES.some((pattern) => pattern.test(error.message))
}
