import { randomBytes } from 'node:crypto'
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** File name of the generated secret inside the data folder. */
export const SESSION_SECRET_FILE = 'session-secret'

/** Shortest secret accepted: HS256 wants a key at least as long as its 256-bit hash. */
const SESSION_SECRET_MIN_LENGTH = 32

export interface LoadSessionSecretOptions {
  /** Where to keep the generated secret (see `resolveDataDir`). */
  dataDir: string
  /** `SESSION_SECRET`, when the operator set one; it wins over the file. */
  secret?: string | undefined
}

/**
 * The secret that signs session tokens.
 *
 * When `secret` is given it is used as is. Otherwise a random one is generated on first use and
 * kept in `<dataDir>/session-secret` (mode 0600), so the web app and the realtime server of one
 * install agree without any setup. Two processes starting at once agree as well: each writes a
 * private temp file and hard-links it into place, and `link` fails for everyone but the first, who
 * then read the winner's file. Unlike `open(…, 'wx')`, a reader can never see a half-written file.
 *
 * Read it once at startup and keep it; it does not change while the process runs.
 *
 * @example
 * const secret = await loadSessionSecret({ dataDir: resolveDataDir(), secret: env.SESSION_SECRET })
 */
export async function loadSessionSecret(options: LoadSessionSecretOptions): Promise<string> {
  if (options.secret !== undefined && options.secret !== '') {
    return checkSecret(options.secret, 'SESSION_SECRET')
  }
  const file = path.join(options.dataDir, SESSION_SECRET_FILE)
  const existing = await readSecretFile(file)
  if (existing !== undefined) return existing

  await mkdir(options.dataDir, { recursive: true })
  const candidate = randomBytes(32).toString('base64url')
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temp, `${candidate}\n`, { mode: 0o600 })
  // The umask can only take bits away, but make sure nobody else can read the key.
  await chmod(temp, 0o600)
  try {
    await link(temp, file)
    return candidate
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error
    // Another process won the race; its secret is the one everybody uses.
    const winner = await readSecretFile(file)
    if (winner === undefined) throw new Error(`${file} vanished while it was being created`)
    return winner
  } finally {
    await unlink(temp).catch(() => undefined)
  }
}

async function readSecretFile(file: string): Promise<string | undefined> {
  try {
    return checkSecret((await readFile(file, 'utf8')).trim(), file)
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined
    throw error
  }
}

function checkSecret(secret: string, source: string): string {
  if (secret.length < SESSION_SECRET_MIN_LENGTH) {
    throw new Error(
      `${source} must be at least ${SESSION_SECRET_MIN_LENGTH} characters long; ` +
        'unset SESSION_SECRET to have one generated in the data folder',
    )
  }
  return secret
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code
}
