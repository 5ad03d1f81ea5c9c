import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { testServices, createTestSchema } from '@duplex/testing/services'
import { SQLITE_FILE, type DatabaseOptions } from './database.ts'

const services = await testServices()

/**
 * The dialects a storage suite runs in: SQLite always (single mode), PostgreSQL when it is
 * reachable (cluster mode). For `describe.each(DATABASE_KINDS)('$kind …', ({ kind, skip }) => …)`.
 */
export const DATABASE_KINDS = [
  { kind: 'sqlite' as const, skip: false },
  { kind: 'postgres' as const, skip: !services.ok },
]

export interface TestDatabase {
  options: DatabaseOptions
  /** Deletes the SQLite folder or drops the PostgreSQL schema. */
  drop(): Promise<void>
}

/** A fresh, empty database of `kind`: a SQLite file in a new folder, or a new PostgreSQL schema. */
export async function createTestDatabase(
  kind: 'sqlite' | 'postgres',
  label = 'duplex-storage',
): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(path.join(tmpdir(), `${label}-`))
    return {
      options: { kind: 'sqlite', file: path.join(dir, SQLITE_FILE) },
      drop: () => rm(dir, { recursive: true, force: true }),
    }
  }
  const schema = await createTestSchema(services.databaseUrl)
  return {
    options: { kind: 'postgres', url: services.databaseUrl, schema: schema.name },
    drop: () => schema.drop(),
  }
}
