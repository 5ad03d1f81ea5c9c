import { SESSION_MIGRATIONS } from '@duplex/auth/cluster'
import type { Kysely, Migration } from 'kysely'
import type { StorageDialect } from './database.ts'
import { RETIRED_FEATURES, type RetiredFeature } from './retired-features.ts'

/** What the migration runner needs of a feature: its name and its own migrations. */
export interface MigratingFeature {
  readonly name: string
  migrations?(dialect: StorageDialect): Record<string, Migration>
}

const noop: Migration = { async up() {} }

/**
 * Migrations that belong to no feature.
 *
 * `0001_initial` once created every table of chat and collab. Those tables are now created by
 * each feature's own first migration (`chat_0001_initial`, `collab_0001_initial`) with IF NOT
 * EXISTS, so a database that ran `0001_initial` keeps its tables and data, and a new one gets
 * them from the features. It stays, as a no-op, because Kysely refuses a database whose executed
 * migration is missing. Never edit a migration that has shipped; add one.
 */
const SHARED_MIGRATIONS: Record<string, Migration> = {
  '0001_initial': noop,
}

/**
 * Every migration of one database, in code (the bundle ships no .sql files): the shared ones,
 * each feature's (named `<feature>_<nnnn>_<what>`), and for each retired feature its old names as
 * no-ops plus `<feature>_9999_drop`, which drops its tables. Kysely runs pending ones in name
 * order, with unordered migrations allowed (see `createMigrator`).
 *
 * @example
 * await openDatabase(options, (dialect) => collectMigrations(dialect, features))
 */
export function collectMigrations(
  dialect: StorageDialect,
  features: readonly MigratingFeature[],
  retired: readonly RetiredFeature[] = RETIRED_FEATURES,
  shared: Record<string, Migration> = {},
): Record<string, Migration> {
  const all: Record<string, Migration> = { ...SHARED_MIGRATIONS, ...shared }
  const add = (owner: string, name: string, migration: Migration) => {
    if (!name.startsWith(`${owner}_`)) {
      throw new Error(`migration ${name} of ${owner} must be named ${owner}_<nnnn>_<what>`)
    }
    if (name in all) throw new Error(`two migrations are named ${name}`)
    all[name] = migration
  }
  const live = new Set(features.map((feature) => feature.name))
  for (const feature of features) {
    for (const [name, migration] of Object.entries(feature.migrations?.(dialect) ?? {})) {
      add(feature.name, name, migration)
    }
  }
  for (const entry of retired) {
    if (live.has(entry.feature)) {
      throw new Error(
        `feature ${entry.feature} is listed in src/features/index.ts and as retired in ` +
          'retired-features.ts; remove one of the two',
      )
    }
    for (const name of entry.migrations) add(entry.feature, name, noop)
    add(entry.feature, `${entry.feature}_9999_drop`, dropTables(entry.dropTables))
  }
  return all
}

function dropTables(tables: readonly string[]): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // In the order given: children first, so no foreign key is left pointing at a dropped table.
      for (const table of tables) await db.schema.dropTable(table).ifExists().execute()
    },
  }
}

/**
 * What the server and `pnpm db:migrate` run: {@link collectMigrations} of the features, plus in
 * PostgreSQL (cluster mode) the tables this server shares with the web app: the signed-out
 * sessions (`session_0001_revocations`, from @duplex/auth). The web app's migrator lists them too,
 * since either app may start first; they are written with IF NOT EXISTS, and both apps take the
 * same lock. In SQLite (single mode) sign-outs live in a file of the data folder instead.
 */
export function serverMigrations(
  dialect: StorageDialect,
  features: readonly MigratingFeature[],
): Record<string, Migration> {
  return collectMigrations(
    dialect,
    features,
    RETIRED_FEATURES,
    dialect === 'postgres' ? SESSION_MIGRATIONS : {},
  )
}
