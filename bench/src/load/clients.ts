import { createSessionToken } from '@duplex/auth'
import { createParser } from 'eventsource-parser'
import { io, type Socket } from 'socket.io-client'
import { Agent, request } from 'undici'
import WebSocket from 'ws'
import { SOURCE_ADDRESSES } from '../lib/net.ts'
import { BARE_SIO_EVENTS, readBinaryPayload } from '../lib/payload.ts'

/** Called for every message a connection receives that carries a bench seq. */
export type OnDelivery = (seq: number, ts: number) => void

export interface Conn {
  close(): Promise<void>
}

const agents = new Map<string, Agent>()
/** One undici agent per source address; each event stream holds one of its connections. */
function agentFor(localAddress: string): Agent {
  let agent = agents.get(localAddress)
  if (!agent) {
    // undici hands `connect` options to net.connect, which binds the source address.
    const connect = { localAddress } as unknown as Agent.Options['connect']
    agent = new Agent({ connect, keepAliveTimeout: 1000, pipelining: 0 })
    agents.set(localAddress, agent)
  }
  return agent
}

export function sourceAddress(index: number): string {
  return SOURCE_ADDRESSES[index % SOURCE_ADDRESSES.length] ?? '127.0.0.1'
}

/**
 * An event stream read with eventsource-parser over undici (the HTTP client inside Node's fetch).
 * Resolves once the stream's first event (`hello`) has arrived, i.e. it is subscribed.
 */
export async function openSse(url: string, index: number, onDelivery: OnDelivery): Promise<Conn> {
  const abort = new AbortController()
  let ready: () => void = () => {}
  const opened = new Promise<void>((resolve) => (ready = resolve))
  const parser = createParser({
    onEvent(event) {
      if (event.event === 'tick') {
        const tick = JSON.parse(event.data) as { seq: number; ts: number }
        onDelivery(tick.seq, tick.ts)
      } else if (event.event === 'hello') {
        ready()
      }
    },
  })
  const { statusCode, body } = await request(url, {
    dispatcher: agentFor(sourceAddress(index)),
    signal: abort.signal,
    headers: { accept: 'text/event-stream' },
  })
  if (statusCode !== 200) {
    const text = await body.text()
    throw new Error(`GET ${url}: HTTP ${statusCode} ${text.slice(0, 200)}`)
  }
  body.setEncoding('utf8')
  body.on('data', (chunk: string) => parser.feed(chunk))
  const ended = new Promise<void>((resolve) => {
    body.once('close', () => resolve())
    body.once('error', () => resolve())
  })
  await opened
  return {
    async close() {
      abort.abort()
      body.destroy()
      await ended
    },
  }
}

/** A raw WebSocket client (`ws`), for the B1 baseline. */
export async function openWs(url: string, index: number, onDelivery: OnDelivery): Promise<Conn> {
  const ws = new WebSocket(url, { localAddress: sourceAddress(index), perMessageDeflate: false })
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const { seq, ts } = readBinaryPayload(data as Buffer)
      onDelivery(seq, ts)
      return
    }
    const message = JSON.parse(data.toString()) as { seq?: number; ts?: number }
    if (message.seq !== undefined && message.ts !== undefined) onDelivery(message.seq, message.ts)
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return { close: () => closeWs(ws) }
}

export function closeWs(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve()
    ws.once('close', () => resolve())
    ws.close()
    setTimeout(() => ws.terminate(), 2000).unref()
  })
}

/** Socket.IO client options of every bench socket: WebSocket only, from a spread source address. */
export function sioOptions(index: number, token?: string) {
  return {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    // Passed down to the ws transport (engine.io-client picks `localAddress` from these).
    localAddress: sourceAddress(index),
    ...(token ? { auth: { token } } : {}),
  }
}

export async function connected(socket: Socket): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
}

export function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.disconnected) return resolve()
    socket.once('disconnect', () => resolve())
    socket.disconnect()
  })
}

/** Socket.IO against the bench's library-only server (the flood). */
export async function openSio(url: string, index: number, onDelivery: OnDelivery): Promise<Conn> {
  const socket = io(url, sioOptions(index))
  socket.on('tick', (tick: { seq: number; ts: number }) => onDelivery(tick.seq, tick.ts))
  await connected(socket)
  return { close: () => closeSocket(socket), ...{ socket } }
}

/** A socket of the bare Socket.IO server (no session, no room), reading its broadcasts like a member. */
export async function openSioMember(
  url: string,
  index: number,
  onDelivery: OnDelivery,
): Promise<SioConn> {
  const socket = io(url, sioOptions(index))
  onBroadcast(socket, BARE_SIO_EVENTS.broadcast, onDelivery)
  await connected(socket)
  return { socket, close: () => closeSocket(socket) }
}

export async function tokenFor(user: string, secret: string): Promise<string> {
  const { token } = await createSessionToken({ id: user, name: user }, secret, {
    ttlSeconds: 3600,
  })
  return token
}

export interface SioConn extends Conn {
  socket: Socket
}

/** Reports every `event` (a message whose text holds `{ seq }`) the socket receives. */
export function onBroadcast(socket: Socket, event: string, onDelivery: OnDelivery): void {
  socket.on(event, (message: { text: string; ts: number }) => {
    const { seq } = JSON.parse(message.text) as { seq: number }
    onDelivery(seq, message.ts)
  })
}

export async function closeAgents(): Promise<void> {
  await Promise.all([...agents.values()].map((a) => a.close()))
  agents.clear()
}
