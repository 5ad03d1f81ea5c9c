import type { WireEntry } from './wire-log'

/** What a tap hands the wire log: everything but the timestamp and the key. */
export type WireFrame = Omit<WireEntry, 'key' | 'at'>

const encoder = new TextEncoder()

function utf8Length(text: string): number {
  return encoder.encode(text).length
}

// ---------------------------------------------------------------------------
// Socket.IO: engine.io packets carrying socket.io packets
// ---------------------------------------------------------------------------

/** engine.io packet types and the digit each is written as (engine.io protocol v4). */
const ENGINE_TYPES: Record<string, string> = {
  open: '0',
  close: '1',
  ping: '2',
  pong: '3',
  message: '4',
  upgrade: '5',
  noop: '6',
}

/** socket.io packet types, the digit right after engine.io's `4` (socket.io protocol v5). */
const SOCKET_TYPES: Record<string, string> = {
  '0': 'connect',
  '1': 'disconnect',
  '2': 'event',
  '3': 'ack',
  '4': 'connect_error',
  '5': 'binary_event',
  '6': 'binary_ack',
}

export interface EnginePacketLike {
  type: string
  data?: unknown
}

/**
 * Remembers the event name of every request sent with an ack id, so the answer (`43<id>[…]`),
 * which carries only the id, can be labelled with what it answers.
 */
export class AckNames {
  private readonly names = new Map<string, string>()
  remember(id: string, event: string): void {
    this.names.set(id, event)
    // Acks that never came back (timeouts) must not pile up forever.
    if (this.names.size > 500) {
      const oldest = this.names.keys().next().value
      if (oldest !== undefined) this.names.delete(oldest)
    }
  }
  take(id: string): string | undefined {
    const name = this.names.get(id)
    this.names.delete(id)
    return name
  }
}

/** Hides all but the start of a session token a client sends in its CONNECT packet. */
function redactToken(text: string): string {
  return text.replace(/("token":")([^"]{8})[^"]*(")/, '$1$2…$3')
}

/**
 * Renders one engine.io packet exactly as the WebSocket transport writes it: `2` (ping), `3`
 * (pong), `40{…}` (socket.io CONNECT), `42["room-message",{…}]` (event), `4312[{…}]` (ack 12).
 * Binary payloads become a hex preview.
 */
export function describeEnginePacket(
  packet: EnginePacketLike,
  direction: 'in' | 'out',
  acks: AckNames,
): WireFrame {
  const prefix = ENGINE_TYPES[packet.type] ?? '?'
  if (packet.data instanceof ArrayBuffer || ArrayBuffer.isView(packet.data)) {
    const bytes = toBytes(packet.data as ArrayBuffer | ArrayBufferView)
    return {
      direction,
      kind: 'binary',
      text: `${prefix}${hexPreview(bytes)}`,
      bytes: bytes.length + 1,
    }
  }
  const data = typeof packet.data === 'string' ? packet.data : ''
  const raw = `${prefix}${data}`
  const text = redactToken(raw)
  const bytes = utf8Length(raw)
  if (packet.type !== 'message') return { direction, kind: packet.type, text, bytes }

  const socketType = SOCKET_TYPES[data.charAt(0)] ?? 'message'
  // Layout after the type digit: optional `/namespace,`, optional ack id digits, then JSON.
  const match = /^\d(?:\/[^,]*,)?(\d*)([\s\S]*)$/.exec(data)
  const ackId = match?.[1] ?? ''
  const json = match?.[2] ?? ''
  if (socketType === 'event' || socketType === 'binary_event') {
    const name = /^\["((?:[^"\\]|\\.)*)"/.exec(json)?.[1]
    if (name !== undefined && ackId !== '' && direction === 'out') acks.remember(ackId, name)
    return { direction, kind: name ?? 'event', event: name, id: ackId || undefined, text, bytes }
  }
  if (socketType === 'ack' || socketType === 'binary_ack') {
    const name = direction === 'in' ? acks.take(ackId) : undefined
    return { direction, kind: 'ack', event: name, id: ackId || undefined, text, bytes }
  }
  return { direction, kind: socketType, text, bytes }
}

// ---------------------------------------------------------------------------
// Yjs: y-websocket binary frames
// ---------------------------------------------------------------------------

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
const SYNC_LABELS: Record<(typeof SYNC_KINDS)[number], string> = {
  'sync-step-1': 'sync step 1 · my state vector, send me what I miss',
  'sync-step-2': 'sync step 2 · the updates you miss',
  update: 'update · an edit',
}

/**
 * Labels one y-websocket frame by its leading varuints (0 = sync with step 1 / step 2 / update,
 * 1 = awareness, 2 = auth, 3 = query awareness) and renders its bytes as a short hex preview.
 * Awareness frames also show each client's state JSON, which is what cursors are made of.
 */
export function describeYjsFrame(
  data: ArrayBuffer | ArrayBufferView | string,
  direction: 'in' | 'out',
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
      const label = kind === 'sync' ? 'sync' : SYNC_LABELS[kind]
      return {
        direction,
        kind,
        text: `${label} (${payload.length} B payload)\n${hex}`,
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
          `#${clientId} clock ${clock}: ${state === 'null' ? 'left' : shorten(state, 160)}`,
        )
      }
      return {
        direction,
        kind: 'awareness',
        text: `awareness · ${count} client${count === 1 ? '' : 's'}\n${states.join('\n')}`,
        bytes: buf.length,
      }
    }
    if (type === 2) {
      reader.varUint()
      return {
        direction,
        kind: 'auth',
        text: `auth · permission denied: ${reader.string()}`,
        bytes: buf.length,
      }
    }
    if (type === 3)
      return {
        direction,
        kind: 'query-awareness',
        text: `query awareness\n${hex}`,
        bytes: buf.length,
      }
    return { direction, kind: `type-${type}`, text: hex, bytes: buf.length }
  } catch {
    return { direction, kind: 'malformed', text: hex, bytes: buf.length }
  }
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** The first 24 bytes as hex, e.g. `00 00 01 a3 …`. */
export function hexPreview(bytes: Uint8Array, max = 24): string {
  const shown = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ')
  return bytes.length > max ? `${shown} … (+${bytes.length - max} B)` : shown
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}
