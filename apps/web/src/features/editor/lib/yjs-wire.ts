import {
  hexPreview,
  shorten,
  toBytes,
  utf8Length,
  type WireFrame,
} from '@/shared/lib/realtime-wire'

// y-websocket binary frames, labelled for the editor's wire panel.

/** A cursor over a lib0-encoded buffer; enough of lib0/decoding to label a frame. */
class Reader {
  pos = 0
  constructor(readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length
  }
  /** lib0 varuint: 7 bits per byte, least significant first, high bit = "more follows". */
  varUint(): number {
    let value = 0
    let shift = 1
    for (;;) {
      const byte = this.buf[this.pos++]
      if (byte === undefined) throw new RangeError('unexpected end of frame')
      value += (byte & 0x7f) * shift
      if (byte < 0x80) return value
      shift *= 128
      if (shift > 2 ** 53) throw new RangeError('varuint too large')
    }
  }
  bytes(): Uint8Array {
    const length = this.varUint()
    const out = this.buf.subarray(this.pos, this.pos + length)
    this.pos += length
    return out
  }
  string(): string {
    return new TextDecoder().decode(this.bytes())
  }
}

const SYNC_KINDS = ['sync-step-1', 'sync-step-2', 'update'] as const

/** The words of the wire panel's frame labels, in the reader's language (see the catalogue). */
export interface YjsWireWords {
  syncStep1: string
  syncStep2: string
  update: string
  sync: string
  payload: (bytes: number) => string
  awareness: (count: number) => string
  clientState: (clientId: number, clock: number, state: string) => string
  left: string
  auth: (reason: string) => string
  queryAwareness: string
}

/** English, for tests and anywhere without a catalogue. */
export const ENGLISH_WIRE_WORDS: YjsWireWords = {
  syncStep1: 'sync step 1 · my state vector, send me what I miss',
  syncStep2: 'sync step 2 · the updates you miss',
  update: 'update · an edit',
  sync: 'sync',
  payload: (bytes) => `(${bytes} B payload)`,
  awareness: (count) => `awareness · ${count} client${count === 1 ? '' : 's'}`,
  clientState: (clientId, clock, state) => `#${clientId} clock ${clock}: ${state}`,
  left: 'left',
  auth: (reason) => `auth · permission denied: ${reason}`,
  queryAwareness: 'query awareness',
}

/**
 * Labels one y-websocket frame by its leading varuints (0 = sync with step 1 / step 2 / update,
 * 1 = awareness, 2 = auth, 3 = query awareness) and renders its bytes as a short hex preview.
 * Awareness frames also show each client's state JSON, which is what cursors are made of.
 */
export function describeYjsFrame(
  data: ArrayBuffer | ArrayBufferView | string,
  direction: 'in' | 'out',
  words: YjsWireWords = ENGLISH_WIRE_WORDS,
): WireFrame {
  if (typeof data === 'string')
    return { direction, kind: 'text', text: data, bytes: utf8Length(data) }
  const buf = toBytes(data)
  const hex = hexPreview(buf)
  try {
    const reader = new Reader(buf)
    const type = reader.varUint()
    if (type === 0) {
      const kind = SYNC_KINDS[reader.varUint()] ?? 'sync'
      const payload = reader.bytes()
      const label =
        kind === 'sync-step-1'
          ? words.syncStep1
          : kind === 'sync-step-2'
            ? words.syncStep2
            : kind === 'update'
              ? words.update
              : words.sync
      return {
        direction,
        kind,
        text: `${label} ${words.payload(payload.length)}\n${hex}`,
        bytes: buf.length,
      }
    }
    if (type === 1) {
      const update = new Reader(reader.bytes())
      const count = update.varUint()
      const states: string[] = []
      for (let i = 0; i < count && !update.done; i++) {
        const clientId = update.varUint()
        const clock = update.varUint()
        const state = update.string()
        states.push(
          words.clientState(clientId, clock, state === 'null' ? words.left : shorten(state, 160)),
        )
      }
      return {
        direction,
        kind: 'awareness',
        text: `${words.awareness(count)}\n${states.join('\n')}`,
        bytes: buf.length,
      }
    }
    if (type === 2) {
      reader.varUint()
      return {
        direction,
        kind: 'auth',
        text: words.auth(reader.string()),
        bytes: buf.length,
      }
    }
    if (type === 3)
      return {
        direction,
        kind: 'query-awareness',
        text: `${words.queryAwareness}\n${hex}`,
        bytes: buf.length,
      }
    return { direction, kind: `type-${type}`, text: hex, bytes: buf.length }
  } catch {
    return { direction, kind: 'malformed', text: hex, bytes: buf.length }
  }
}
