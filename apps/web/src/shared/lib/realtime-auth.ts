import { SessionSchema } from '@duplex/protocol/session'
import { sharesCookies } from './realtime-url'

/**
 * The token to hand the realtime server explicitly, or undefined when the browser sends the
 * httpOnly `duplex_session` cookie by itself (same host name, any port), which is the default.
 * Only a realtime server on another host name needs the token in JavaScript; then it is read from
 * `GET /api/session` right before each (re)connect, so it is always the current one.
 */
export async function realtimeAuthToken(realtimeUrl: string): Promise<string | undefined> {
  if (sharesCookies(realtimeUrl, window.location)) return undefined
  try {
    const response = await fetch('/api/session', { cache: 'no-store' })
    const parsed = SessionSchema.safeParse(await response.json())
    return parsed.success ? parsed.data.token : undefined
  } catch {
    return undefined
  }
}
