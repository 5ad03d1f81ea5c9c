import { createSessionToken, loadSessionSecret } from '@duplex/auth'
import { SESSION_COOKIE, type SessionUser } from '@duplex/protocol/session'

/** The secret test servers sign with: long enough for HS256, never used outside tests. */
export const TEST_SESSION_SECRET = 'integration-test-secret-with-enough-length'

/** A user named `name` whose id is derived from it (`Ada` is `u_ada`), unless `id` is given. */
export function testUser(name: string, id?: string): SessionUser {
  return { id: id ?? `u_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`, name }
}

export interface TestSessionOptions {
  /** Defaults to {@link TEST_SESSION_SECRET}; see {@link dataDirSecret} for a running suite's. */
  secret?: string
  /** Defaults to an hour: long enough for any test, short enough to never matter. */
  ttlSeconds?: number
}

export interface TestSession {
  user: SessionUser
  token: string
  /** ms since the epoch. */
  expiresAt: number
  /** A `Cookie` header value carrying the session, as a signed-in browser sends it. */
  cookie: string
}

/**
 * Signs a session for `user` (a name, or a whole user) with @duplex/auth, exactly as
 * `POST /api/session` does, for servers that share the secret.
 *
 * @example
 * const { token } = await createTestSession('Ada')
 * const socket = io(url, { auth: { token } })
 */
export async function createTestSession(
  user: SessionUser | string,
  options: TestSessionOptions = {},
): Promise<TestSession> {
  const who = typeof user === 'string' ? testUser(user) : user
  const { token, expiresAt } = await createSessionToken(
    who,
    options.secret ?? TEST_SESSION_SECRET,
    { ttlSeconds: options.ttlSeconds ?? 3600 },
  )
  return { user: who, token, expiresAt, cookie: `${SESSION_COOKIE}=${token}` }
}

/** Just the token of {@link createTestSession}. */
export async function sessionToken(
  user: SessionUser | string,
  options?: TestSessionOptions,
): Promise<string> {
  return (await createTestSession(user, options)).token
}

/** The secret that servers running over `dataDir` sign with (they create it on first start). */
export function dataDirSecret(dataDir: string): Promise<string> {
  return loadSessionSecret({ dataDir })
}
