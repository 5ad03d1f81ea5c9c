import type { WireEntry } from './wire-log'

/** What a tap hands the wire log: everything but the timestamp and the key. */
export type WireFrame = Omit<WireEntry, 'key' | 'at'>

const encoder = new TextEncoder()

export function utf8Length(text: string): number {
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
 * (pong), `40{…}` (socket.io CONNECT), `42["<event>",{…}]` (event), `4312[{…}]` (ack 12).
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

/** The bytes of a frame, without copying a view. */
export function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** The first 24 bytes as hex, e.g. `00 00 01 a3 …`. */
export function hexPreview(bytes: Uint8Array, max = 24): string {
  const shown = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ')
  return bytes.length > max ? `${shown} … (+${bytes.length - max} B)` : shown
}

/** `text`, cut at `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}
