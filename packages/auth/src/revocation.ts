import { appendFile, readFile, stat } from 'node:fs/promises'
import path from 'node:path'

/**
 * Signed-out sessions. A token is a JWT, valid until its `exp` wherever it is checked, so signing
 * out has to be written down somewhere every checker reads: the web app writes, the realtime
 * server (and every web instance) reads. Entries live until the token would have expired anyway.
 */
export interface RevocationStore {
  /** Refuses the token with this `jti` from now on, until `expiresAt` (ms since the epoch). */
  revoke(jti: string, expiresAt: number): Promise<void>
  isRevoked(jti: string): Promise<boolean>
}

/** The file in the data folder that lists signed-out sessions in single-process mode. */
export const REVOCATION_FILE = 'revoked-sessions.log'

export interface FileRevocationStoreOptions {
  dataDir: string
  now?: () => number
}

/**
 * Single-process mode: the data folder both apps already share. One line per sign-out
 * (`<jti> <expiresAt>`), appended (O_APPEND writes of a line are not interleaved) and owner-only.
 * Readers re-read the file only when its size or mtime changed, so a check is one `stat`.
 * Written by hand: it is a dozen lines, and both apps must read it without a database.
 */
export function createFileRevocationStore(options: FileRevocationStoreOptions): RevocationStore {
  const file = path.join(options.dataDir, REVOCATION_FILE)
  const now = options.now ?? Date.now
  let seen = ''
  let revoked = new Map<string, number>()

  const refresh = async () => {
    let info
    try {
      info = await stat(file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    const version = `${info.size}:${info.mtimeMs}`
    if (version === seen) return
    const next = new Map<string, number>()
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const [jti, expiresAt] = line.split(' ')
      if (jti && expiresAt) next.set(jti, Number(expiresAt))
    }
    revoked = next
    seen = version
  }

  return {
    async revoke(jti, expiresAt) {
      if (/\s/.test(jti)) throw new Error('a token id must not contain white space')
      await appendFile(file, `${jti} ${expiresAt}\n`, { mode: 0o600 })
      revoked.set(jti, expiresAt)
    },
    async isRevoked(jti) {
      await refresh()
      const expiresAt = revoked.get(jti)
      return expiresAt !== undefined && expiresAt > now()
    },
  }
}

/** The two Redis commands the cluster store needs; an ioredis client fits as it is. */
export interface RevocationRedis {
  set(key: string, value: string, mode: 'PX', ms: number): Promise<unknown>
  exists(key: string): Promise<number>
}

/** Cluster mode: one key per signed-out session, expiring with the token. */
export function createRedisRevocationStore(
  redis: RevocationRedis,
  keyPrefix: string,
  now: () => number = Date.now,
): RevocationStore {
  const keyOf = (jti: string) => `${keyPrefix}session:revoked:${jti}`
  return {
    async revoke(jti, expiresAt) {
      const ttl = Math.max(1, expiresAt - now())
      await redis.set(keyOf(jti), '1', 'PX', ttl)
    },
    isRevoked: async (jti) => (await redis.exists(keyOf(jti))) === 1,
  }
}
