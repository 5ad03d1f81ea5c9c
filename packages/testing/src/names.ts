import { randomBytes } from 'node:crypto'

// Names no other test run picks, so runs and retries never share a room, a schema or a key.

/** A short suffix: base-36 time plus random hex, `[a-z0-9_]` only. */
function freshSuffix(): string {
  return `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
}

/**
 * A fresh id for rooms, documents, jobs and users: `<label>-<time>-<4 hex>`, lower-case letters,
 * digits and dashes (a room id allows 40 of them, so keep labels short).
 */
export function freshName(label: string): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`
}

/** A fresh PostgreSQL schema name, `<label>_<suffix>`; nothing creates it. */
export function freshSchema(label = 'duplex_test'): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(label)) {
    throw new Error(
      `a schema label is lower-case letters, digits and _, got ${JSON.stringify(label)}`,
    )
  }
  return `${label}_${freshSuffix()}`
}

/** A fresh Redis key prefix, `<label>:<suffix>:`. */
export function freshPrefix(label = 'duplex-test'): string {
  return `${label}:${freshSuffix()}:`
}
