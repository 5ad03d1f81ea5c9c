import { COLLAB_PATH } from '@duplex/protocol/collab'
import { defineFeature } from '../../shared/feature.ts'
import { FROM_STORAGE, attachCollab } from './attach-collab.ts'
import { createDocRelay } from './doc-relay.ts'
import { createDocsRoutes } from './docs-routes.ts'
import { CollabEnvSchema, type CollabEnv } from './env.ts'
import { collabMigrations } from './migrations.ts'
import { createDocRepository, type CollabTables } from './repository.ts'

/**
 * Collaborative editing with Yjs over the y-websocket protocol (`/yjs/<name>`) and the document
 * list (`/api/docs`), with its tables and, in cluster mode, a relay through Redis.
 */
export const collab = defineFeature<CollabEnv>({
  name: 'collab',
  env: CollabEnvSchema,
  migrations: collabMigrations,

  attach({ config, httpServer, db, verifyToken, originPolicy, metrics, log, cluster }) {
    const store = createDocRepository(db.withTables<CollabTables>())
    metrics.declare('yjs')
    const relay = cluster
      ? createDocRelay({
          redis: cluster.redis,
          subscriber: cluster.subscriber,
          keyPrefix: cluster.keyPrefix,
          instanceId: cluster.instanceId,
          ignoreOrigins: [FROM_STORAGE],
          log,
        })
      : undefined
    const yjs = attachCollab(httpServer, {
      store,
      verifyToken,
      originPolicy,
      compactAfter: config.YJS_COMPACT_AFTER,
      metrics,
      log,
      relay,
    })
    if (cluster && relay) {
      cluster.onTick(({ live }) => relay.pruneAwareness((id) => live.has(id)))
    }
    return {
      connections: () => ({ yjs: yjs.connectionCount() }),
      handleHttp: createDocsRoutes({ store, verifyToken, closeDoc: yjs.closeDoc }),
      upgradePrefixes: [`${COLLAB_PATH}/`],
      async stop() {
        const open = yjs.connectionCount()
        await yjs.stop()
        log.info(`[realtime] closed ${open} Yjs connection(s) and stored every open document`)
      },
    }
  },
})
