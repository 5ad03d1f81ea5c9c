import { sql } from 'kysely'
import type { WebDatabase } from '@/shared/server/cluster/database'

/** A block of ids handed out: every id in `(from, through]` is the holder's to use. */
export interface IdBlock {
  from: number
  through: number
}

/**
 * Where the cluster's tick ids are reserved, a block at a time (the "hi/lo" scheme): Redis counts
 * within the block, and the high-water mark lives where a Redis restart cannot take it.
 */
export interface IdBlocks {
  /**
   * Reserves `count` ids after both `floor` and every id reserved before, and returns them. The
   * mark only grows, so every id ever handed out is at most the last `through` returned.
   */
  reserve(floor: number, count: number): Promise<IdBlock>
}

/** The high-water mark of the ticker's ids in PostgreSQL (`ticker_id_blocks`). */
export function createPostgresIdBlocks(database: WebDatabase, name = 'ticks'): IdBlocks {
  return {
    async reserve(floor, count) {
      if (!Number.isSafeInteger(floor) || floor < 0 || !Number.isSafeInteger(count) || count < 1) {
        throw new Error(`cannot reserve ${count} ids after ${floor}`)
      }
      // One statement: two leaders of a split second can never get the same block.
      const { rows } = await sql<{ reservedThrough: number }>`
        insert into ticker_id_blocks (name, reserved_through) values (${name}, ${floor + count})
        on conflict (name) do update
          set reserved_through = greatest(ticker_id_blocks.reserved_through, ${floor}) + ${count}
        returning reserved_through`.execute(database.db)
      const through = Number(rows[0]?.reservedThrough)
      return { from: through - count, through }
    },
  }
}
