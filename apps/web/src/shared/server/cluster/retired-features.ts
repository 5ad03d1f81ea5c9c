/**
 * A feature that was removed from the web app, and what it had put in the database (cluster
 * mode). The same idea as apps/realtime/src/shared/storage/retired-features.ts, for the web app's
 * own migration table.
 *
 * Databases that ran its migrations still list them, and Kysely refuses to migrate a database
 * whose executed migrations are not all known, so its migration names stay here (they run as
 * no-ops). Its tables are dropped once, by a migration named `<feature>_9999_drop`.
 */
export interface RetiredWebFeature {
  /** The feature's `name`, e.g. `progress`. */
  feature: string
  /** Every migration the feature ever shipped, e.g. `['progress_0001_jobs']`. */
  migrations: string[]
  /** Its tables, children before parents (foreign keys), e.g. `['job_runners', 'jobs']`. */
  dropTables: string[]
}

/**
 * Features removed from `src/features/`. `pnpm remove-demo <name>` appends one entry here when it
 * deletes a feature with tables; add one by hand if you remove a feature yourself.
 *
 * @example
 * { feature: 'progress', migrations: ['progress_0001_jobs'], dropTables: ['job_runners', 'jobs'] },
 */
// prettier-ignore
export const RETIRED_WEB_FEATURES: readonly RetiredWebFeature[] = [
  // remove-demo: new entries go above this line
]
