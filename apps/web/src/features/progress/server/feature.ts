import { encodeSseFrame } from '@duplex/protocol/sse'
import { env } from '@/shared/env'
import { services, type WebFeature, type WebFeatureServer } from '@/shared/server/services'
import type { SseSink } from '@/shared/server/sse/sse-stream'
import { progressEnv } from './env.ts'
import { createClusterJobStore } from './cluster-job-store.ts'
import { createJobService, type JobService } from './job-service.ts'
import { createMemoryJobStore } from './memory-job-store.ts'
import { progressMigrations } from './migrations.ts'

export interface ProgressServer extends WebFeatureServer {
  jobs: JobService
  /** Open job streams, so a shutdown can send their clients elsewhere. */
  streams: Set<SseSink>
}

/**
 * Job progress's server part: the jobs of this process, or of the cluster (kept in PostgreSQL,
 * their events carried between instances by Redis).
 */
export const progress: WebFeature<ProgressServer> = {
  name: 'progress',
  migrations: progressMigrations,
  create({ redis, database }) {
    const jobs = createJobService({
      store:
        redis && database ? createClusterJobStore({ database, redis }) : createMemoryJobStore(),
      limits: {
        perUser: progressEnv.JOBS_MAX_RUNNING_PER_USER,
        total: progressEnv.JOBS_MAX_RUNNING_TOTAL,
      },
    })
    const streams = new Set<SseSink>()
    return {
      jobs,
      streams,
      ready: jobs.ready,
      async drain(reason) {
        const retry = encodeSseFrame({ retry: env.SSE_RETRY_MS })
        for (const sink of [...streams]) {
          sink.write(retry)
          sink.close()
        }
        await jobs.stop(reason)
      },
    }
  },
}

/** The jobs of this process, for the route handlers. */
export function progressServer(): ProgressServer {
  return services().use(progress)
}
