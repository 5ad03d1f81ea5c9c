/** Why a session's connections are closed: signed out (anywhere), or past its token's `exp`. */
export type SessionEnd = 'signed_out' | 'session_expired'

/** The session a connection was let in with (see `verifySessionToken`). */
export interface ConnectionSession {
  /** The token's `jti`: one per session, shared by its short-lived realtime tokens. */
  tokenId: string
  /** When the token it connected with expires, ms since the epoch. */
  expiresAt: number
}

/**
 * Where a process hears of sign-outs (see `RevocationStore.onRevoked` and `knownRevoked` in
 * @duplex/auth): the realtime server hands each feature this, not the store.
 */
export interface SignOuts {
  /** Calls `listener` with the `jti` of every sign-out heard of from now on. Returns the unsubscribe. */
  onSignedOut(listener: (tokenId: string) => void): () => void
  /** Whether `tokenId` is known to be signed out already (no I/O). */
  isSignedOut(tokenId: string): boolean
}

/** The connections of one transport, by session, each ended at its expiry or its sign-out. */
export interface SessionConnections<C> {
  /**
   * Tracks `connection` until {@link SessionConnections.remove}. Ends it right away when its
   * session was signed out while it was being let in.
   */
  add(connection: C, session: ConnectionSession): void
  /** On close: forgets the connection (and its timer, when it was the last one of its session). */
  remove(connection: C): void
  /** Connections tracked now (for tests). */
  size(): number
  /** Stops listening for sign-outs and clears every timer; the connections stay open. */
  close(): void
}

/** setTimeout's ceiling (~24.8 days); a longer delay would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** The connections of one session that expire at one instant, and the one timer that ends them. */
interface Group<C> {
  key: string
  tokenId: string
  timer: ReturnType<typeof setTimeout>
  members: Set<C>
}

/**
 * Ends connections when their session does: at the token's expiry (`session_expired`) and as soon
 * as the session is signed out, in any tab or on any instance (`signed_out`). `end` is called once
 * per connection and must close it with a reason its client treats as final (Socket.IO
 * `DisconnectReasonCode`, Yjs `CollabCloseCode`), so the page says why instead of reconnecting.
 *
 * A session's connections share one group and one timer (a user's tabs; the short-lived realtime
 * tokens of a session share its `jti` but not its `exp`, and get a group of their own), so a
 * connection holds no timer or closure of its own.
 *
 * @example
 * const sessions = createSessionConnections(signOuts, (ws, why) => ws.close(4401, why))
 * sessions.add(ws, { tokenId, expiresAt }); ws.on('close', () => sessions.remove(ws))
 */
export function createSessionConnections<C extends object>(
  signOuts: SignOuts,
  end: (connection: C, why: SessionEnd) => void,
): SessionConnections<C> {
  const groups = new Map<string, Group<C>>()
  const bySession = new Map<string, Set<Group<C>>>()
  const groupOf = new WeakMap<C, Group<C>>()
  let count = 0

  function drop(group: Group<C>): void {
    clearTimeout(group.timer)
    groups.delete(group.key)
    const sessionGroups = bySession.get(group.tokenId)
    sessionGroups?.delete(group)
    if (sessionGroups?.size === 0) bySession.delete(group.tokenId)
  }

  function endGroup(group: Group<C>, why: SessionEnd): void {
    drop(group)
    for (const connection of group.members) {
      groupOf.delete(connection)
      count--
      end(connection, why)
    }
    group.members.clear()
  }

  const stopListening = signOuts.onSignedOut((tokenId) => {
    for (const group of [...(bySession.get(tokenId) ?? [])]) endGroup(group, 'signed_out')
  })

  return {
    add(connection, session) {
      if (signOuts.isSignedOut(session.tokenId)) {
        // Once the caller has finished setting the connection up (its other listeners ran).
        queueMicrotask(() => end(connection, 'signed_out'))
        return
      }
      const key = `${session.expiresAt} ${session.tokenId}`
      let group = groups.get(key)
      if (!group) {
        const delay = Math.min(Math.max(session.expiresAt - Date.now(), 0), MAX_TIMER_MS)
        const created: Group<C> = {
          key,
          tokenId: session.tokenId,
          members: new Set(),
          timer: setTimeout(() => endGroup(created, 'session_expired'), delay),
        }
        created.timer.unref()
        groups.set(key, created)
        let sessionGroups = bySession.get(session.tokenId)
        if (!sessionGroups) bySession.set(session.tokenId, (sessionGroups = new Set()))
        sessionGroups.add(created)
        group = created
      }
      if (group.members.has(connection)) return
      group.members.add(connection)
      groupOf.set(connection, group)
      count++
    },
    remove(connection) {
      const group = groupOf.get(connection)
      if (!group) return
      groupOf.delete(connection)
      group.members.delete(connection)
      count--
      if (group.members.size === 0) drop(group)
    },
    size: () => count,
    close() {
      stopListening()
      for (const group of [...groups.values()]) drop(group)
    },
  }
}
