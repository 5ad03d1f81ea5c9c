import { watchFile, unwatchFile, type Stats } from 'node:fs'
import { appendFile, open, stat } from 'node:fs/promises'
import path from 'node:path'

/**
 * Signed-out sessions. A token is a JWT, valid until its `exp` wherever it is checked, so signing
 * out has to be written down somewhere every checker reads: the web app writes, the realtime
 * server (and every web instance) reads, and a process holding connections hears of each
 * sign-out so it can close them. Entries live until the token would have expired anyway.
 *
 * Two stores: {@link createFileRevocationStore} (single mode, a file in the data folder) and
 * `createClusterRevocationStore` from `@duplex/auth/cluster` (PostgreSQL, with Redis as the fast
 * path and the broadcast).
 */
export interface RevocationStore {
  /**
   * Refuses the token with this `jti` from now on, until `expiresAt` (ms since the epoch). Resolves
   * once the sign-out is stored where it survives a restart; rejects with
   * {@link RevocationsUnavailableError} when it cannot be (nothing was signed out then).
   */
  revoke(jti: string, expiresAt: number): Promise<void>
  /**
   * Whether the session `jti` was signed out. Rejects with {@link RevocationsUnavailableError}
   * when the store cannot tell right now: never a guess in either direction.
   */
  isRevoked(jti: string): Promise<boolean>
  /**
   * Calls `listener` once for each sign-out this process learns of from now on, made here or in
   * any other process or instance, so it can close that session's open connections. Returns the
   * function that stops listening.
   */
  onRevoked(listener: (jti: string) => void): () => void
  /**
   * Whether this process already knows that `jti` was signed out, without any I/O: for a
   * connection that was let in just before its session's sign-out was heard of.
   */
  knownRevoked(jti: string): boolean
  /** Stops watching and listening. The connections it was given stay open (they are the caller's). */
  close(): Promise<void>
}

/**
 * A store cannot say whether a session was signed out (its database is down, its file cannot be
 * read). Checkers answer "try again later" (HTTP 503 `unavailable`, a Socket.IO `connect_error`
 * with that code, WebSocket close 1013), never "invalid token" and never a silent accept.
 */
export class RevocationsUnavailableError extends Error {
  constructor(
    /** What is down, for the message: `the database`, `the sign-out list`. */
    readonly what: string,
    /** When a retry may succeed. */
    readonly retryAfterMs: number = REVOCATIONS_RETRY_AFTER_MS,
    options?: { cause?: unknown },
  ) {
    super(`signed-out sessions cannot be checked: ${what} is unavailable`, options)
    this.name = 'RevocationsUnavailableError'
  }
}

/** How long a client should wait before retrying after {@link RevocationsUnavailableError}. */
export const REVOCATIONS_RETRY_AFTER_MS = 2000

/** The file in the data folder that lists signed-out sessions in single-process mode. */
export const REVOCATION_FILE = 'revoked-sessions.log'

export interface FileRevocationStoreOptions {
  dataDir: string
  now?: () => number
  /**
   * How often the file is looked at for sign-outs another process wrote, while somebody listens
   * ({@link RevocationStore.onRevoked}). Default 500 ms: a sign-out in the web app closes the
   * realtime server's connections within that.
   */
  pollMs?: number
}

/** How often entries past their token's expiry are dropped from memory. */
const PRUNE_EVERY_MS = 60_000

/**
 * Single-process mode: the data folder both apps already share. One line per sign-out
 * (`<jti> <expiresAt>`), appended (O_APPEND writes of a line are not interleaved) and owner-only.
 *
 * Readers keep what they read and look again only when the file grew: a check is one `stat`, and
 * a change costs reading the new lines, not the whole file. Memory holds the sessions signed out
 * within one token lifetime (expired entries are dropped); the file keeps every line, about 50
 * bytes a sign-out. Written by hand: it is a few dozen lines, and both apps must read it without a
 * database.
 */
export function createFileRevocationStore(options: FileRevocationStoreOptions): RevocationStore {
  const file = path.join(options.dataDir, REVOCATION_FILE)
  const now = options.now ?? Date.now
  const pollMs = options.pollMs ?? 500
  const revoked = new Map<string, number>()
  const listeners = new Set<(jti: string) => void>()
  /** The file read so far: which file (inode and birth time) and how many bytes of whole lines. */
  let read = { file: '', bytes: 0 }
  let refreshing: Promise<void> | undefined
  let prunedAt = now()
  let watching = false

  /** Adds a sign-out; tells the listeners when it is news. */
  function learn(jti: string, expiresAt: number): void {
    if (!(expiresAt > now()) || revoked.has(jti)) return
    revoked.set(jti, expiresAt)
    for (const listener of listeners) listener(jti)
  }

  function prune(): void {
    const at = now()
    if (at - prunedAt < PRUNE_EVERY_MS) return
    prunedAt = at
    for (const [jti, expiresAt] of revoked) if (expiresAt <= at) revoked.delete(jti)
  }

  async function readNewLines(): Promise<void> {
    let info: Stats
    try {
      info = await stat(file)
    } catch (error) {
      // Nobody signed out yet.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    // Replaced or cut short by an operator: read it again from the start. (An inode number alone
    // can come back at once for the new file.)
    const identity = `${info.ino}:${info.birthtimeMs}`
    if (identity !== read.file || info.size < read.bytes) read = { file: identity, bytes: 0 }
    if (info.size === read.bytes) return
    const handle = await open(file, 'r')
    try {
      const length = info.size - read.bytes
      const buffer = Buffer.alloc(length)
      const { bytesRead } = await handle.read(buffer, 0, length, read.bytes)
      // A line being appended right now is read next time, whole.
      const complete = bytesRead === 0 ? 0 : buffer.lastIndexOf(0x0a, bytesRead - 1) + 1
      for (const line of buffer.toString('utf8', 0, complete).split('\n')) {
        const [jti, expiresAt] = line.split(' ')
        if (jti && expiresAt) learn(jti, Number(expiresAt))
      }
      read = { file: identity, bytes: read.bytes + complete }
    } finally {
      await handle.close()
    }
  }

  /** One read at a time: two overlapping reads would take the same lines twice. */
  function refresh(): Promise<void> {
    refreshing ??= readNewLines()
      .then(prune)
      .finally(() => {
        refreshing = undefined
      })
    return refreshing
  }

  const onChange = () => {
    refresh().catch(() => {
      // The next check reports it (as unavailable); watching goes on.
    })
  }

  return {
    async revoke(jti, expiresAt) {
      if (/\s/.test(jti)) throw new Error('a token id must not contain white space')
      try {
        await appendFile(file, `${jti} ${expiresAt}\n`, { mode: 0o600 })
      } catch (error) {
        throw new RevocationsUnavailableError('the sign-out list', undefined, { cause: error })
      }
      learn(jti, expiresAt)
    },
    async isRevoked(jti) {
      try {
        await refresh()
      } catch (error) {
        throw new RevocationsUnavailableError('the sign-out list', undefined, { cause: error })
      }
      const expiresAt = revoked.get(jti)
      return expiresAt !== undefined && expiresAt > now()
    },
    onRevoked(listener) {
      listeners.add(listener)
      if (!watching) {
        watching = true
        // stat polling, not inotify: it works the same on every file system (a bind mount, NFS).
        watchFile(file, { interval: pollMs, persistent: false }, onChange)
        onChange()
      }
      return () => {
        listeners.delete(listener)
      }
    },
    knownRevoked(jti) {
      const expiresAt = revoked.get(jti)
      return expiresAt !== undefined && expiresAt > now()
    },
    async close() {
      listeners.clear()
      if (watching) unwatchFile(file, onChange)
      watching = false
      await refreshing?.catch(() => undefined)
    },
  }
}
