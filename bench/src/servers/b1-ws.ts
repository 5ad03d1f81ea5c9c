/**
 * Baseline B1: a raw `ws` broadcast server. Each message is serialised and framed ONCE and the
 * same bytes are written to every socket: the floor any WebSocket stack can be compared to.
 *
 * Publisher (`?role=pub`) text commands, JSON:
 *   { op: 'publish', count, firstSeq }   count ticks to every subscriber, at once
 *   { op: 'flood', count, firstSeq }     as fast as the subscribers drain (socket back-pressure)
 *   { op: 'chat', seq }                  echo: one stamped frame to the sender and every subscriber
 * A binary message from the publisher is relayed as it is to every subscriber.
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { benchTickJson } from '../lib/payload.ts'
import { now } from '../lib/net.ts'

const PING_MS = Number(process.env.B1_PING_MS ?? 25_000)

const OPCODE_TEXT = 0x1
const OPCODE_BINARY = 0x2
const OPCODE_PING = 0x9

/** An unmasked server frame (RFC 6455 §5.2) around `payload`, FIN set. */
function frame(payload: Buffer, opcode: number): Buffer {
  const length = payload.length
  let header: Buffer
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length])
  } else if (length < 65_536) {
    header = Buffer.alloc(4)
    header[0] = 0x80 | opcode
    header[1] = 126
    header.writeUInt16BE(length, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = 0x80 | opcode
    header[1] = 127
    header.writeBigUInt64BE(BigInt(length), 2)
  }
  return Buffer.concat([header, payload])
}

const subscribers = new Map<WebSocket, Socket>()
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })

const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ connections: subscribers.size + publishers }))
    return
  }
  res.writeHead(404).end()
})

let publishers = 0

function broadcast(bytes: Buffer, except?: Socket): Socket[] {
  const full: Socket[] = []
  for (const socket of subscribers.values()) {
    if (socket !== except && !socket.write(bytes)) full.push(socket)
  }
  return full
}

async function flood(count: number, firstSeq: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const full = broadcast(frame(Buffer.from(benchTickJson(firstSeq + i)), OPCODE_TEXT))
    if (full.length > 0) await Promise.all(full.map((s) => once(s, 'drain')))
  }
}

server.on('upgrade', (req, socket: Socket, head) => {
  const role = new URL(req.url ?? '/', 'http://localhost').searchParams.get('role') ?? 'sub'
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => undefined)
    if (role === 'sub') {
      subscribers.set(ws, socket)
      ws.on('close', () => subscribers.delete(ws))
      return
    }
    publishers++
    ws.on('close', () => publishers--)
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        broadcast(frame(data as Buffer, OPCODE_BINARY))
        return
      }
      const command = JSON.parse(data.toString()) as {
        op: string
        count?: number
        firstSeq?: number
        seq?: number
      }
      if (command.op === 'publish') {
        const count = command.count ?? 1
        for (let i = 0; i < count; i++) {
          broadcast(frame(Buffer.from(benchTickJson((command.firstSeq ?? 1) + i)), OPCODE_TEXT))
        }
        ws.send(JSON.stringify({ op: 'published', count }))
      } else if (command.op === 'flood') {
        void flood(command.count ?? 0, command.firstSeq ?? 1).then(() =>
          ws.send(JSON.stringify({ op: 'done' })),
        )
      } else if (command.op === 'chat') {
        const bytes = frame(
          Buffer.from(JSON.stringify({ seq: command.seq, ts: now() })),
          OPCODE_TEXT,
        )
        socket.write(bytes)
        broadcast(bytes, socket)
      }
    })
  })
})

// One timer and one pre-built ping frame for every socket, like the product's heartbeat.
const ping = frame(Buffer.alloc(0), OPCODE_PING)
setInterval(() => broadcast(ping), PING_MS).unref()

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  console.info(`READY ${typeof address === 'object' && address ? address.port : 0}`)
})
process.on('SIGTERM', () => process.exit(0))
