import { COLLAB_PATH } from '@duplex/protocol/collab'
import { defineFeature } from '../../shared/feature.ts'
import { COLLAB_REJECTION_CODES, FROM_STORAGE, attachCollab } from './attach-collab.ts'
import { createDocCreation } from './doc-creation.ts'
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

  attach(context) {
    const { config, httpServer, db, verifyToken, signOuts, originPolicy, metrics, log } = context
    const { cluster, faults } = context
    const store = createDocRepository(db.withTables<CollabTables>())
    metrics.declare('yjs', COLLAB_REJECTION_CODES)
    const creation = createDocCreation(
      store,
      {
        quota: config.YJS_DOC_QUOTA,
        ratePoints: config.YJS_CREATE_RATE_POINTS,
        rateSeconds: config.YJS_CREATE_RATE_SECONDS,
      },
      cluster && { client: cluster.redis, keyPrefix: cluster.keyPrefix },
    )
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
      signOuts,
      originPolicy,
      compactAfter: config.YJS_COMPACT_AFTER,
      limits: {
        maxFrameBytes: config.YJS_MAX_FRAME_BYTES,
        maxBufferedBytes: config.YJS_MAX_BUFFERED_BYTES,
        maxDocBytes: config.YJS_MAX_DOC_BYTES,
        maxAwarenessBytes: config.YJS_AWARENESS_MAX_BYTES,
        awarenessPoints: config.YJS_AWARENESS_RATE_POINTS,
        awarenessSeconds: config.YJS_AWARENESS_RATE_SECONDS,
      },
      creation,
      metrics,
      log,
      relay,
      faults,
    })
    if (cluster && relay) {
      cluster.onTick(({ live }) => relay.pruneAwareness((id) => live.has(id)))
    }
    return {
      connections: () => ({ yjs: yjs.connectionCount() }),
      handleHttp: createDocsRoutes({ store, verifyToken, creation, docGone: yjs.docGone }),
      upgradePrefixes: [`${COLLAB_PATH}/`],
      async stop() {
        const open = yjs.connectionCount()
        await yjs.stop()
        log.info(`[realtime] closed ${open} Yjs connection(s) and stored every open document`)
      },
    }
  },
})
