/**
 * Baseline: `better-sse` on `node:http`, the SSE library a user would pick outside Next. One
 * channel holds every session; each tick is one `channel.broadcast` (the library serialises and
 * writes it per session, as a user of it would get).
 *
 *   GET  /sub                              an event stream (hello, then ticks, keep-alive comments)
 *   POST /publish { count, firstSeq }      count ticks to every stream, at once
 *   GET  /healthz                          { connections }
 */
import { createServer, type IncomingMessage } from 'node:http'
import { createChannel, createSession } from 'better-sse'
import { benchTick } from '../lib/payload.ts'

const HEARTBEAT_MS = Number(process.env.SSE_HEARTBEAT_MS ?? 15_000)
const channel = createChannel()

async function readJson(req: IncomingMessage): Promise<{ count: number; firstSeq: number }> {
  let body = ''
  for await (const chunk of req) body += String(chunk)
  return JSON.parse(body) as { count: number; firstSeq: number }
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/sub')) {
    void createSession(req, res, { keepAlive: HEARTBEAT_MS, retry: 1000 }).then((session) => {
      session.push({}, 'hello')
      channel.register(session)
    })
    return
  }
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ connections: channel.sessionCount }))
    return
  }
  if (req.method === 'POST' && req.url === '/publish') {
    void readJson(req).then(({ count, firstSeq }) => {
      for (let i = 0; i < count; i++) {
        const seq = firstSeq + i
        channel.broadcast(benchTick(seq), 'tick', { eventId: String(seq) })
      }
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ published: count }))
    })
    return
  }
  res.writeHead(404).end()
})

server.keepAliveTimeout = 60_000
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  console.info(`READY ${typeof address === 'object' && address ? address.port : 0}`)
})
process.on('SIGTERM', () => process.exit(0))
