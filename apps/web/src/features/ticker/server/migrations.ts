import type { Kysely, Migration } from 'kysely'

/**
 * The ticker's table in cluster mode (single mode numbers ticks in the process). Names start with
 * `ticker_`; never edit one that has shipped, add one. `pnpm remove-demo ticker` retires them
 * (apps/web/src/shared/server/cluster/retired-features.ts) and drops the table below.
 */
export const tickerMigrations: Record<string, Migration> = {
  ticker_0001_id_blocks: {
    async up(db: Kysely<unknown>) {
      // How far the cluster's tick ids have been handed out (see id-blocks.ts): one row, which
      // only ever grows, so ids never go back even when Redis forgets its counter.
      await db.schema
        .createTable('ticker_id_blocks')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('reserved_through', 'bigint', (c) => c.notNull())
        .execute()
    },
  },
}
