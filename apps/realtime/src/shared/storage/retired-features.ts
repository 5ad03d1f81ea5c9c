/**
 * A feature that was removed from this app, and what it had put in the database.
 *
 * Databases that ran its migrations still list them, and Kysely refuses to migrate a database
 * whose executed migrations are not all known, so its migration names stay here (they run as
 * no-ops). Its tables are dropped once, by a migration named `<feature>_9999_drop`.
 */
export interface RetiredFeature {
  /** The feature's `name`, e.g. `chat`. */
  feature: string
  /** Every migration the feature ever shipped, e.g. `['chat_0001_initial']`. */
  migrations: string[]
  /** Its tables, children before parents (foreign keys), e.g. `['messages', 'rooms']`. */
  dropTables: string[]
}

/**
 * Features removed from `src/features/`. `pnpm remove-demo <name>` appends one entry here when it
 * deletes a feature's folder; add one by hand if you remove a feature yourself.
 *
 * @example
 * { feature: 'chat', migrations: ['chat_0001_initial'], dropTables: ['read_receipts', 'messages', 'rooms'] },
 */
// prettier-ignore
export const RETIRED_FEATURES: readonly RetiredFeature[] = [
  // remove-demo: new entries go above this line
]
