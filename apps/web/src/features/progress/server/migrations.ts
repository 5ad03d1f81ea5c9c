import { sql, type Kysely, type Migration } from 'kysely'

/**
 * Job progress's tables in cluster mode (single mode keeps jobs in memory). Names start with
 * `progress_`; never edit one that has shipped, add one. `pnpm remove-demo progress` retires them
 * (apps/web/src/shared/server/cluster/retired-features.ts) and drops the tables below.
 */
export const progressMigrations: Record<string, Migration> = {
  progress_0001_jobs: {
    async up(db: Kysely<unknown>) {
      // One row per job: its state as the owner sees it, and `seq`, the number of its last
      // event (every change is a compare-and-set on it). The last event itself follows from the
      // state (`eventOf`), so it is not stored twice.
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        // The instance whose timers run the job's steps: its heartbeat is in `job_runners`.
        .addColumn('runner', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('running', 'done', 'failed', 'cancelled')`),
        )
        .addColumn('percent', 'double precision', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .execute()
      // The owner's list, newest first.
      await db.schema
        .createIndex('jobs_owner_created')
        .on('jobs')
        .columns(['owner_id', 'created_at desc'])
        .execute()
      // The running bounds (per user, in all) and the sweep for dead runners read only these.
      await db.schema
        .createIndex('jobs_running')
        .on('jobs')
        .columns(['owner_id', 'runner'])
        .where(sql.ref('status'), '=', 'running')
        .execute()
      await db.schema
        .createIndex('jobs_ended_at')
        .on('jobs')
        .column('ended_at')
        .where(sql.ref('ended_at'), 'is not', null)
        .execute()

      // One row per web instance that runs jobs, renewed while it lives. A job whose runner's row
      // has expired (by PostgreSQL's clock, the same for every instance) is ended by a sweep.
      await db.schema
        .createTable('job_runners')
        .addColumn('instance_id', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute()
    },
  },
}
