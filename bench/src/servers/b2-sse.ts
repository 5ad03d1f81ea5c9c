/**
 * Baseline B2: raw `node:http` Server-Sent Events. Each frame is encoded ONCE and written with one
 * `res.write` per stream: the floor the Next.js route handler is compared to.
 *
 *   GET  /sub                              an event stream (hello, then ticks, heartbeat comments)
 *   POST /publish { count, firstSeq }      count ticks to every stream, at once
 *   POST /flood   { count, firstSeq }      as fast as the streams drain (res.write back-pressure)
 *   GET  /healthz                          { connections }
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { benchTickJson } from '../lib/payload.ts'

const HEARTBEAT_MS = Number(process.env.SSE_HEARTBEAT_MS ?? 15_000)
const HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
}

const streams = new Set<ServerResponse>()

function tickFrame(seq: number): Buffer {
  return Buffer.from(`id: ${seq}\nevent: tick\ndata: ${benchTickJson(seq)}\n\n`)
}

function broadcast(bytes: Buffer): ServerResponse[] {
  const full: ServerResponse[] = []
  for (const res of streams) if (!res.write(bytes)) full.push(res)
  return full
}

async function readJson(req: IncomingMessage): Promise<{ count: number; firstSeq: number }> {
  let body = ''
  for await (const chunk of req) body += String(chunk)
  return JSON.parse(body) as { count: number; firstSeq: number }
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/sub')) {
    res.writeHead(200, HEADERS)
    res.write(`retry: 1000\nevent: hello\ndata: {}\n\n`)
    streams.add(res)
    res.on('close', () => streams.delete(res))
    return
  }
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ connections: streams.size }))
    return
  }
  if (req.method === 'POST' && req.url === '/publish') {
    void readJson(req).then(({ count, firstSeq }) => {
      for (let i = 0; i < count; i++) broadcast(tickFrame(firstSeq + i))
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ published: count }))
    })
    return
  }
  if (req.method === 'POST' && req.url === '/flood') {
    void readJson(req).then(async ({ count, firstSeq }) => {
      for (let i = 0; i < count; i++) {
        const full = broadcast(tickFrame(firstSeq + i))
        if (full.length > 0) await Promise.all(full.map((r) => once(r, 'drain')))
      }
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ published: count }))
    })
    return
  }
  res.writeHead(404).end()
})

// One timer and one encoded comment for every stream, like the product's heartbeat.
const ping = Buffer.from(': ping\n\n')
setInterval(() => broadcast(ping), HEARTBEAT_MS).unref()

server.keepAliveTimeout = 60_000
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  console.info(`READY ${typeof address === 'object' && address ? address.port : 0}`)
})
process.on('SIGTERM', () => process.exit(0))
