import type { WSSharedDoc } from '@y/websocket-server/utils'
import type { Redis } from 'ioredis'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { DocNameSchema, DocOwnerSchema } from '@duplex/protocol/collab'
import { z } from 'zod'
import type { Logger } from '../../shared/log.ts'
import type { DocGone } from './repository.ts'

/** Transaction and awareness origin of everything that arrived from another instance. */
export const FROM_RELAY = Symbol('duplex:from-relay')

/** What travels on a document's channel. */
const MessageType = {
  /** A Yjs update made on the sending instance. */
  update: 0,
  /** An awareness update (cursors) of the sending instance's clients. */
  awareness: 1,
  /**
   * "I just opened this document (or my link to Redis is back) with this state vector: send me
   * what I lack, and ask me for what you lack" (each receiver answers with an update and a
   * `syncAnswer` of its own vector).
   */
  syncRequest: 2,
  /** The document was deleted or renamed (JSON {@link GoneNotice}): close your copy. */
  gone: 3,
  /**
   * The answer's half of a sync: "send me what I lack", and nothing back. Without it only the
   * asker would catch up: an instance cut off from Redis could not publish its clients' edits
   * while away, and the others would never learn of them.
   */
  syncAnswer: 4,
} as const

/**
 * After the subscriber comes back, every open document is synced now and again after these
 * delays: ioredis reports `ready` before its re-subscriptions are answered, and the other
 * instances may still be reconnecting themselves (a restarted Redis drops everyone at once), so
 * a single exchange can fall into a moment when nobody listens. Yjs updates are idempotent, so
 * repeats cost bytes, never correctness.
 */
const RESYNC_AFTER_MS = [0, 1500, 5000] as const

/** What travels with a `gone` message. */
const GoneNoticeSchema = z.object({
  /** The generation the document had: copies loaded later are of a newer document. */
  generation: z.number().int().nonnegative(),
  gone: z.discriminatedUnion('kind', [
    // `by` (who did it) is additive: instances that predate it send none.
    z.object({ kind: z.literal('deleted'), by: DocOwnerSchema.nullable().optional() }),
    z.object({
      kind: z.literal('renamed'),
      to: DocNameSchema,
      generation: z.number().int().nonnegative(),
      by: DocOwnerSchema.nullable().optional(),
    }),
  ]),
})
type GoneNotice = z.infer<typeof GoneNoticeSchema>

export interface DocRelayOptions {
  /** Publishes; any ordinary connection. */
  redis: Redis
  /** Subscribes; a connection of its own (Redis allows nothing else on it once subscribed). */
  subscriber: Redis
  /** `REDIS_KEY_PREFIX`; a document's channel is `<prefix>yjs:<name>`. */
  keyPrefix: string
  /** Names this instance in every message, so it ignores its own echo. */
  instanceId: string
  /** Update origins that are not news for other instances (state loaded from storage). */
  ignoreOrigins: readonly unknown[]
  log: Logger
}

export interface DocRelay {
  /**
   * Starts relaying a document this instance has opened: its updates and its clients' awareness
   * go out, other instances' come in (with origin {@link FROM_RELAY}). Resolves once subscribed,
   * so nothing published after that is missed.
   */
  attach(name: string, doc: WSSharedDoc): Promise<void>
  /**
   * Asks the instances that have the document open for whatever this copy lacks: updates they
   * made that had not reached storage yet when it was loaded, and their clients' awareness.
   */
  requestSync(name: string, doc: WSSharedDoc): void
  /** Stops relaying the document (its last client here left). */
  detach(name: string, doc: WSSharedDoc): void
  /**
   * Tells every instance that has the document open that it is gone (deleted, or renamed),
   * as of `generation`: they close their editors and drop their copies. Best effort (pub/sub):
   * an instance that misses it learns it from storage (see `DocStore.fatesOf`).
   */
  announceGone(name: string, generation: number, gone: DocGone): void
  /** Called for each `announceGone` of another instance about a document attached here. */
  onGone(listener: (name: string, generation: number, gone: DocGone) => void): void
  /**
   * Called when the subscriber is back after losing Redis: anything announced meanwhile was
   * missed.
   */
  onResubscribed(listener: () => void): void
  /** Drops the cursors of clients whose instance stopped heartbeating. */
  pruneAwareness(isLive: (instanceId: string) => boolean): void
  /** Detaches every document. The Redis connections belong to the caller. */
  close(): Promise<void>
}

interface Relayed {
  doc: WSSharedDoc
  /** Awareness client id → instance its state came from. Absent: one of ours. */
  owners: Map<number, string>
  dispose(): void
}

/**
 * Keeps the copies of a Yjs document on several instances in step through Redis pub/sub, one
 * channel per document: every instance that has the document open publishes its clients' updates
 * and awareness there and applies everyone else's. Yjs updates are idempotent and commute, so
 * order and duplicates do not matter; pub/sub loses messages only while a connection is down,
 * and then every open document is synced again through a sync request.
 *
 * Each update is stored by the instance it was made on; a copy that received relayed updates
 * writes its whole state when it is closed, so an update whose instance died before storing it
 * still reaches storage.
 *
 * A delete or rename travels on the same channel (`gone`), so exactly the instances that have the
 * document open hear it. Storage stays the authority: an instance that misses the message learns
 * it from storage (generations, see `repository.ts`).
 *
 * @example
 * const relay = createDocRelay({ redis, subscriber, keyPrefix: 'duplex:', instanceId, ignoreOrigins: [FROM_STORAGE], log })
 * await relay.attach(name, doc) // then load from storage
 * relay.requestSync(name, doc)
 */
export function createDocRelay(options: DocRelayOptions): DocRelay {
  const { redis, subscriber, keyPrefix, instanceId, log } = options
  const channelPrefix = `${keyPrefix}yjs:`
  const relayed = new Map<string, Relayed>()
  const ignored = new Set(options.ignoreOrigins)
  let everReady = subscriber.status === 'ready'
  /** Whether publishing is failing (Redis away): logged once per outage, not once per keystroke. */
  let publishFailing = false
  const resyncTimers = new Set<ReturnType<typeof setTimeout>>()
  const goneListeners: ((name: string, generation: number, gone: DocGone) => void)[] = []
  const resubscribedListeners: (() => void)[] = []

  function publish(name: string, type: number, payload: Uint8Array): void {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, type)
    encoding.writeVarString(encoder, instanceId)
    encoding.writeVarUint8Array(encoder, payload)
    redis.publish(`${channelPrefix}${name}`, Buffer.from(encoding.toUint8Array(encoder))).then(
      () => {
        if (!publishFailing) return
        publishFailing = false
        log.info('[collab] relaying works again')
      },
      (error: unknown) => {
        // The edit itself is safe (applied here and stored by this instance); the others get it
        // from the sync exchange once Redis is back.
        if (publishFailing) return
        publishFailing = true
        log.warn(
          `[collab] relaying ${name} failed; other instances catch up once Redis is back`,
          error,
        )
      },
    )
  }

  /** Awareness states of the clients connected to this instance (not relayed ones). */
  function publishLocalAwareness(name: string, entry: Relayed): void {
    const ids = [...entry.doc.awareness.getStates().keys()].filter((id) => !entry.owners.has(id))
    if (ids.length === 0) return
    publish(
      name,
      MessageType.awareness,
      awarenessProtocol.encodeAwarenessUpdate(entry.doc.awareness, ids),
    )
  }

  function onMessage(channel: Buffer, message: Buffer): void {
    const name = channel.toString().slice(channelPrefix.length)
    const entry = relayed.get(name)
    if (!entry) return
    try {
      const decoder = decoding.createDecoder(new Uint8Array(message))
      const type = decoding.readVarUint(decoder)
      const sender = decoding.readVarString(decoder)
      if (sender === instanceId) return
      const payload = decoding.readVarUint8Array(decoder)
      switch (type) {
        case MessageType.update:
          Y.applyUpdate(entry.doc, payload, FROM_RELAY)
          break
        case MessageType.awareness:
          for (const id of awarenessClientIds(payload)) entry.owners.set(id, sender)
          awarenessProtocol.applyAwarenessUpdate(entry.doc.awareness, payload, FROM_RELAY)
          break
        case MessageType.syncRequest:
        case MessageType.syncAnswer: {
          const missing = Y.encodeStateAsUpdate(entry.doc, payload)
          // An empty update is two zero bytes: nothing the requester lacks.
          if (missing.length > 2) publish(name, MessageType.update, missing)
          if (type === MessageType.syncRequest) {
            publishLocalAwareness(name, entry)
            publish(name, MessageType.syncAnswer, Y.encodeStateVector(entry.doc))
          }
          break
        }
        case MessageType.gone: {
          const notice = GoneNoticeSchema.parse(JSON.parse(new TextDecoder().decode(payload)))
          for (const listener of goneListeners) listener(name, notice.generation, notice.gone)
          break
        }
      }
    } catch (error) {
      // A bad message costs that message, never the document or the process.
      log.error(`[collab] bad relay message for ${name}`, error)
    }
  }
  subscriber.on('messageBuffer', onMessage)

  // After a Redis outage ioredis subscribes again by itself, but what was published meanwhile is
  // gone: ask for it.
  function onReady(): void {
    if (!everReady) {
      everReady = true
      return
    }
    log.warn('[collab] Redis subscriber reconnected; syncing every open document again')
    for (const delay of RESYNC_AFTER_MS) {
      const timer = setTimeout(() => {
        resyncTimers.delete(timer)
        for (const [name, entry] of relayed) requestSync(name, entry.doc)
      }, delay)
      timer.unref()
      resyncTimers.add(timer)
    }
    for (const listener of resubscribedListeners) listener()
  }
  subscriber.on('ready', onReady)

  function requestSync(name: string, doc: WSSharedDoc): void {
    publish(name, MessageType.syncRequest, Y.encodeStateVector(doc))
  }

  function detach(name: string, doc: WSSharedDoc): void {
    const entry = relayed.get(name)
    // A newer copy of the same document may have taken over the channel already.
    if (!entry || entry.doc !== doc) return
    relayed.delete(name)
    entry.dispose()
    subscriber
      .unsubscribe(`${channelPrefix}${name}`)
      .catch((error: unknown) => log.warn(`[collab] unsubscribing ${name} failed`, error))
  }

  return {
    async attach(name, doc) {
      relayed.get(name)?.dispose()
      const owners = new Map<number, string>()
      const onUpdate = (update: Uint8Array, origin: unknown) => {
        if (origin === FROM_RELAY || ignored.has(origin)) return
        publish(name, MessageType.update, update)
      }
      const onAwareness = (
        { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
        origin: unknown,
      ) => {
        // Relayed changes are the sender's to publish; timeouts happen on every instance alike.
        if (origin === FROM_RELAY || origin === 'timeout') return
        const changed = [...added, ...updated, ...removed]
        for (const id of changed) owners.delete(id)
        publish(
          name,
          MessageType.awareness,
          awarenessProtocol.encodeAwarenessUpdate(doc.awareness, changed),
        )
      }
      doc.on('update', onUpdate)
      doc.awareness.on('update', onAwareness)
      const dispose = () => {
        doc.off('update', onUpdate)
        doc.awareness.off('update', onAwareness)
      }
      relayed.set(name, { doc, owners, dispose })
      doc.once('destroy', () => detach(name, doc))
      await subscriber.subscribe(`${channelPrefix}${name}`)
    },

    requestSync,
    detach,

    announceGone(name, generation, gone) {
      const notice: GoneNotice = { generation, gone }
      publish(name, MessageType.gone, new TextEncoder().encode(JSON.stringify(notice)))
    },

    onGone(listener) {
      goneListeners.push(listener)
    },

    onResubscribed(listener) {
      resubscribedListeners.push(listener)
    },

    pruneAwareness(isLive) {
      for (const { doc, owners } of relayed.values()) {
        const gone = [...owners].filter(([, owner]) => !isLive(owner)).map(([id]) => id)
        if (gone.length === 0) continue
        for (const id of gone) owners.delete(id)
        const present = gone.filter((id) => doc.awareness.getStates().has(id))
        if (present.length > 0) {
          awarenessProtocol.removeAwarenessStates(doc.awareness, present, FROM_RELAY)
        }
      }
    },

    async close() {
      for (const timer of resyncTimers) clearTimeout(timer)
      resyncTimers.clear()
      subscriber.off('messageBuffer', onMessage)
      subscriber.off('ready', onReady)
      for (const [name, { doc }] of [...relayed]) detach(name, doc)
    },
  }
}

/** The client ids an encoded awareness update is about. */
function awarenessClientIds(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update)
  const count = decoding.readVarUint(decoder)
  const ids: number[] = []
  for (let i = 0; i < count; i++) {
    ids.push(decoding.readVarUint(decoder))
    decoding.readVarUint(decoder) // clock
    decoding.readVarString(decoder) // state as JSON
  }
  return ids
}
