import { TEST_DATABASE_URL, createTestSchema } from '@duplex/testing/services'
import { collectWebMigrations } from '../lifecycle.ts'
import type { WebFeature } from '../services.ts'
import { createWebDatabase, type WebDatabase } from './database.ts'

// Only for tests: the web app's PostgreSQL of cluster mode, one fresh schema per test, with the
// migrations of the features under test applied, dropped afterwards.

export interface TestDatabase {
  schema: string
  /** One more "instance": its own pool, as each web instance has; the schema is migrated. */
  instance(): Promise<WebDatabase>
  /** Closes every pool and drops the schema. */
  cleanup(): Promise<void>
}

export function createTestDatabase(
  features: readonly Pick<WebFeature, 'name' | 'migrations'>[],
  url = TEST_DATABASE_URL,
): TestDatabase {
  const schema = createTestSchema(url, 'web')
  const opened: WebDatabase[] = []
  return {
    schema: schema.name,
    async instance() {
      const database = createWebDatabase({ url, schema: schema.name, instanceId: 'test' })
      opened.push(database)
      await database.migrate(collectWebMigrations(features))
      return database
    },
    async cleanup() {
      await Promise.all(opened.map((database) => database.close()))
      await schema.drop().catch(() => {})
    },
  }
}
