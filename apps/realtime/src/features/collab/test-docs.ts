import { openDatabase, type DatabaseOptions } from '../../shared/storage/database.ts'
import { createDocRepository, type CollabTables, type DocStore } from './repository.ts'

/**
 * Tests only: the documents a server stored, read from its database (already migrated by the
 * server) while it runs or after it stopped.
 *
 * @example
 * const docs = await openDocs(server.storageOptions)
 * await docs.loadDocUpdates('notes')
 * await docs.close()
 */
export async function openDocs(
  options: DatabaseOptions,
): Promise<DocStore & { close(): Promise<void> }> {
  const database = await openDatabase(options)
  return {
    ...createDocRepository(database.db.withTables<CollabTables>()),
    close: () => database.close(),
  }
}
