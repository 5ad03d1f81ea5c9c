import { CollabCloseCode, type CollabAwarenessUser } from '@duplex/protocol/collab'
import type { SessionUser } from '@duplex/protocol/session'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

// y-websocket's message types (the library does not export them).
const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const SYNC_STEP_1 = 0
const SYNC_STEP_2 = 1
const SYNC_UPDATE = 2

/** Colour an awareness state gets when it sent no `#rrggbb` one: slate, neutral and readable. */
export const FALLBACK_CURSOR_COLOR = '#64748b'

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/
const HEX_COLOR_ALPHA = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/

export interface EdgeLimits {
  /** `YJS_AWARENESS_MAX_BYTES`: largest awareness state (its JSON) of one client. */
  maxAwarenessBytes: number
  /** `YJS_AWARENESS_RATE_POINTS` awareness frames per `YJS_AWARENESS_RATE_SECONDS`, per connection. */
  awarenessPoints: number
  awarenessSeconds: number
  /** `YJS_MAX_DOC_BYTES`: a document's encoded size may not grow past this. */
  maxDocBytes: number
}

/** What to do with one inbound frame. */
export type Verdict =
  /** Hand it to the library; `frame` may be a rewritten copy (awareness bound to the session). */
  | { action: 'pass'; frame: Uint8Array }
  /** Ignore it (refused awareness); the connection stays. `code` is for the metrics. */
  | { action: 'drop'; code?: 'awareness_refused' | 'awareness_rate' }
  /** Close the connection with this code; `detail` is logged once. */
  | { action: 'close'; close: CollabCloseCode; detail: string }

export interface ConnectionEdge {
  inspect(frame: Uint8Array): Verdict
}

export interface EdgeContext {
  user: SessionUser
  doc: Y.Doc
  limits: EdgeLimits
  /** Whether this awareness client id already has a state from another connection (or instance). */
  ownedByAnother(clientId: number): boolean
  /** Size accounting of the document, shared by its connections (see {@link createDocSizes}). */
  sizes: DocSizes
}

/**
 * The checks between a Yjs connection and @y/websocket-server, which trusts whatever it is sent:
 * every frame is decoded before the library sees it (a malformed one closes the connection with
 * `protocolError`), updates that would take the document past its size cap close it with
 * `docTooLarge`, and awareness is bound to the connection: only the first client id it announced,
 * with `user.id` and `user.name` from the session and a `#rrggbb` colour, within a size and a rate.
 *
 * Decided synchronously, frame by frame: an asynchronous check (rate-limiter-flexible's API is
 * promise-based) would let a later frame overtake an earlier one, and Yjs sync depends on order.
 * Hence the small token bucket written here.
 *
 * @example
 * const edge = createConnectionEdge({ user, doc, limits, ownedByAnother, sizes })
 * const verdict = edge.inspect(frame)
 */
export function createConnectionEdge(context: EdgeContext): ConnectionEdge {
  const { user, doc, limits, sizes } = context
  let ownClientId: number | undefined
  let tokens = limits.awarenessPoints
  let refilledAt = Date.now()

  function takeAwarenessToken(): boolean {
    const now = Date.now()
    const perMs = limits.awarenessPoints / (limits.awarenessSeconds * 1000)
    tokens = Math.min(limits.awarenessPoints, tokens + (now - refilledAt) * perMs)
    refilledAt = now
    if (tokens < 1) return false
    tokens -= 1
    return true
  }

  function protocolError(detail: string): Verdict {
    return { action: 'close', close: CollabCloseCode.protocolError, detail }
  }

  function inspectSync(decoder: decoding.Decoder): Verdict | undefined {
    const step = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    if (step === SYNC_STEP_1) {
      Y.decodeStateVector(payload)
      return undefined
    }
    if (step !== SYNC_STEP_2 && step !== SYNC_UPDATE) return protocolError(`sync step ${step}`)
    // Decoding throws on anything that is not a well-formed update, before it touches the doc.
    Y.decodeUpdate(payload)
    if (!sizes.fits(doc, payload.byteLength)) {
      return {
        action: 'close',
        close: CollabCloseCode.docTooLarge,
        detail: `update of ${payload.byteLength} bytes would take it past ${limits.maxDocBytes}`,
      }
    }
    return undefined
  }

  function inspectAwareness(decoder: decoding.Decoder): Verdict {
    const update = decoding.readVarUint8Array(decoder)
    const inner = decoding.createDecoder(update)
    const count = decoding.readVarUint(inner)
    const kept: { clientId: number; clock: number; state: string }[] = []
    let ownEntries = 0
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(inner)
      const clock = decoding.readVarUint(inner)
      const json = decoding.readVarString(inner)
      // y-websocket clients echo every awareness change they see, other people's included: those
      // entries are dropped quietly, and so is a client id that is not this connection's.
      if (ownClientId === undefined && !context.ownedByAnother(clientId)) ownClientId = clientId
      if (clientId !== ownClientId) continue
      ownEntries++
      const state = bindState(json)
      if (state !== undefined) kept.push({ clientId, clock, state })
    }
    if (decoding.hasContent(inner)) return protocolError('trailing bytes in an awareness update')
    // Only echoes: nothing to refuse, nothing to count.
    if (ownEntries === 0) return { action: 'drop' }
    if (kept.length === 0) return { action: 'drop', code: 'awareness_refused' }
    if (!takeAwarenessToken()) return { action: 'drop', code: 'awareness_rate' }
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
    const rewritten = encoding.createEncoder()
    encoding.writeVarUint(rewritten, kept.length)
    for (const { clientId, clock, state } of kept) {
      encoding.writeVarUint(rewritten, clientId)
      encoding.writeVarUint(rewritten, clock)
      encoding.writeVarString(rewritten, state)
    }
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(rewritten))
    return { action: 'pass', frame: encoding.toUint8Array(encoder) }
  }

  /** The state as the server relays it, or undefined when it is refused. */
  function bindState(json: string): string | undefined {
    if (json.length > limits.maxAwarenessBytes) return undefined
    let state: unknown
    try {
      state = JSON.parse(json)
    } catch {
      return undefined
    }
    // `null` is "I left": always the client's own business.
    if (state === null) return json
    if (typeof state !== 'object' || Array.isArray(state)) return undefined
    const claimed = (state as { user?: unknown }).user
    const fields = typeof claimed === 'object' && claimed !== null ? claimed : {}
    const color = (fields as { color?: unknown }).color
    const colorLight = (fields as { colorLight?: unknown }).colorLight
    const safeColor = typeof color === 'string' && HEX_COLOR.test(color) ? color : undefined
    const bound: CollabAwarenessUser & { colorLight: string } = {
      id: user.id,
      name: user.name,
      color: safeColor ?? FALLBACK_CURSOR_COLOR,
      colorLight:
        safeColor && typeof colorLight === 'string' && HEX_COLOR_ALPHA.test(colorLight)
          ? colorLight
          : `${safeColor ?? FALLBACK_CURSOR_COLOR}33`,
    }
    return JSON.stringify({ ...state, user: bound })
  }

  return {
    inspect(frame) {
      try {
        const decoder = decoding.createDecoder(frame)
        const type = decoding.readVarUint(decoder)
        if (type === MESSAGE_SYNC) {
          const verdict = inspectSync(decoder)
          if (verdict) return verdict
          if (decoding.hasContent(decoder))
            return protocolError('trailing bytes after a sync message')
          return { action: 'pass', frame }
        }
        if (type === MESSAGE_AWARENESS) {
          const verdict = inspectAwareness(decoder)
          if (verdict.action === 'pass' && decoding.hasContent(decoder)) {
            return protocolError('trailing bytes after an awareness message')
          }
          return verdict
        }
        return protocolError(`unknown message type ${type}`)
      } catch (error) {
        return protocolError(error instanceof Error ? error.message : String(error))
      }
    },
  }
}

export interface DocSizes {
  /** Records what was loaded from storage. */
  loaded(doc: Y.Doc, bytes: number): void
  /** Whether `bytes` more fit; counts them when they do. */
  fits(doc: Y.Doc, bytes: number): boolean
}

/**
 * Each document's size, estimated by adding up the updates it took (cheap, and never below the
 * real size), and measured exactly only when the estimate reaches the cap: deleted text is
 * garbage-collected, so a document typed and erased many times is smaller than its history.
 */
export function createDocSizes(maxBytes: number): DocSizes {
  const estimates = new WeakMap<Y.Doc, number>()
  return {
    loaded(doc, bytes) {
      estimates.set(doc, bytes)
    },
    fits(doc, bytes) {
      let estimate = (estimates.get(doc) ?? 0) + bytes
      if (estimate > maxBytes) estimate = Y.encodeStateAsUpdate(doc).byteLength + bytes
      if (estimate > maxBytes) return false
      estimates.set(doc, estimate)
      return true
    },
  }
}
