import { resolveDataDir } from '@duplex/auth'
import { redactUrl } from '@duplex/cluster'
import path from 'node:path'
import { features } from './features/index.ts'
import { parseMigrateEnv } from './shared/env.ts'
import {
  DEFAULT_SCHEMA,
  SQLITE_FILE,
  migrateDatabase,
  type DatabaseOptions,
} from './shared/storage/database.ts'
import { serverMigrations } from './shared/storage/migrations.ts'

// `pnpm db:migrate`: applies pending migrations and exits. An entry file, like index.ts: it reads
// process.env and exits. The server applies pending migrations on start too; this is for
// migrating ahead of a rolling deploy. Safe to run while instances start: migrations take a lock.

try {
  const env = parseMigrateEnv(process.env)
  const options: DatabaseOptions =
    env.DATABASE_URL !== undefined
      ? { kind: 'postgres', url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA }
      : {
          kind: 'sqlite',
          file: path.join(resolveDataDir({ dataDir: env.DUPLEX_DATA_DIR }), SQLITE_FILE),
        }
  const where =
    options.kind === 'postgres'
      ? `PostgreSQL ${redactUrl(options.url)}, schema ${options.schema ?? DEFAULT_SCHEMA}`
      : `SQLite ${options.file}`
  const applied = await migrateDatabase(options, (dialect) => serverMigrations(dialect, features))
  console.info(
    applied.length === 0
      ? `[migrate] ${where}: already up to date`
      : `[migrate] ${where}: applied ${applied.join(', ')}`,
  )
} catch (error) {
  console.error(`[migrate] ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
