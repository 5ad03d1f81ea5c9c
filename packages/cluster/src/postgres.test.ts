import { describe, expect, it } from 'vitest'
import { migrateToLatest, type LatestMigrator } from './postgres.ts'

const dropped = (schema: string) =>
  Object.assign(new Error(`schema "${schema}" does not exist`), { code: '3F000' })

function migratorFailing(...errors: unknown[]): LatestMigrator & { calls: number } {
  const self = {
    calls: 0,
    async migrateToLatest() {
      const error = errors[self.calls++]
      return error === undefined
        ? { results: [{ migrationName: 'a_0001', status: 'Success' as const }] }
        : { error }
    },
  }
  return self
}

describe('migrateToLatest', () => {
  it('tries again when another schema vanished while Kysely listed the tables', async () => {
    const migrator = migratorFailing(dropped('someone_else'))
    expect(await migrateToLatest(migrator, 'duplex')).toEqual(['a_0001'])
    expect(migrator.calls).toBe(2)
  })

  it('fails at once on an error about its own schema, and names the failed migration', async () => {
    const migrator = migratorFailing(dropped('duplex'))
    await expect(migrateToLatest(migrator, 'duplex')).rejects.toThrow(
      /schema "duplex" does not exist/,
    )
    expect(migrator.calls).toBe(1)
  })

  it('gives up after three tries', async () => {
    const migrator = migratorFailing(dropped('x'), dropped('y'), dropped('z'))
    await expect(migrateToLatest(migrator, 'duplex')).rejects.toThrow(/does not exist/)
    expect(migrator.calls).toBe(3)
  })
})
