import type { Duplex } from 'node:stream'
import * as ws from 'ws'
import type { WebSocket } from 'ws'

/** Header options of an unmasked (server-to-client), unfragmented binary WebSocket frame. */
const BINARY_FRAME = { fin: true, opcode: 0x2, mask: false, readOnly: false, rsv1: false }

// ws exports its frame builder, `Sender`, by name; @types/ws does not declare it.
const { Sender } = ws as unknown as {
  Sender: { frame(data: Buffer, options: typeof BINARY_FRAME): Buffer[] }
}

/**
 * The WebSocket frames of binary messages, each built once. @y/websocket-server relays an update
 * by calling `send(message)` on every connection of the document with the same `Uint8Array`, and
 * `ws` would build a frame for each connection; keyed by the message, the frame is built by the
 * first send and reused by the rest, and it is dropped with the message.
 */
export function createFrameCache(): { frameOf(message: Uint8Array): Buffer } {
  const frames = new WeakMap<Uint8Array, Buffer>()
  return {
    frameOf(message) {
      let frame = frames.get(message)
      if (!frame) {
        frame = Buffer.concat(
          Sender.frame(
            Buffer.from(message.buffer, message.byteOffset, message.byteLength),
            BINARY_FRAME,
          ),
        )
        frames.set(message, frame)
      }
      return frame
    },
  }
}

type SendCallback = (error?: Error | null) => void

/**
 * Makes `ws.send` of a binary message write the shared frame straight to the connection's socket
 * (the raw baseline B1 does the same), and calls `onSend` for every message sent.
 *
 * Safe only because the server never compresses (`perMessageDeflate` is off) and never sends a
 * Blob: those are the only cases in which `ws` queues frames instead of writing them at once, so
 * frames written here cannot overtake or split anything `ws` writes itself (pings, close).
 * Anything else — text, or a socket that is not open — goes through `ws` unchanged.
 */
export function sendFramedOnce(
  connection: WebSocket,
  socket: Duplex,
  frames: ReturnType<typeof createFrameCache>,
  onSend: () => void,
  backpressure?: {
    /** Bytes that may wait for this reader before it is given up on. */
    maxBufferedBytes: number
    /** Called once, when a send would go past the bound; nothing is written from then on. */
    onOverflow: () => void
  },
): void {
  const send = connection.send.bind(connection) as (...args: unknown[]) => void
  let overflowed = false
  connection.send = ((data: unknown, ...rest: unknown[]) => {
    if (overflowed) return
    if (
      backpressure &&
      socket.writableLength + connection.bufferedAmount > backpressure.maxBufferedBytes
    ) {
      overflowed = true
      backpressure.onOverflow()
      return
    }
    onSend()
    if (
      data instanceof Uint8Array &&
      connection.readyState === connection.OPEN &&
      socket.writable
    ) {
      const callback = rest.find((arg): arg is SendCallback => typeof arg === 'function')
      socket.write(frames.frameOf(data), callback)
      return
    }
    send(data, ...rest)
  }) as WebSocket['send']
}
