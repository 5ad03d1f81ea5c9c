import { isStoreUnavailable } from '@duplex/cluster'
import { unavailable } from '@/shared/server/http'

/**
 * The answer for a job route whose store failed: 503 `unavailable` with a retry hint when the
 * database is down (cluster mode; nothing was changed), else the error goes on as a bug.
 */
export function storeDown(error: unknown): Response {
  if (isStoreUnavailable(error)) {
    return unavailable(
      'Jobs cannot be read or changed right now: the database does not answer. Nothing was changed; try again in a moment.',
    )
  }
  throw error
}
