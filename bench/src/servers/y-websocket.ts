/**
 * Baseline: a bare `@y/websocket-server` 0.1.1 (in memory, no persistence, no auth), the Yjs
 * server a user starts with. Room name = URL path, as y-websocket's own server reads it.
 *
 *   WS   /<doc>      y-websocket sync and awareness
 *   GET  /healthz    { connections, docs }
 */
import { createServer } from 'node:http'
import { docs, setupWSConnection } from '@y/websocket-server/utils'
import { WebSocketServer } from 'ws'

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ connections: wss.clients.size, docs: docs.size }))
    return
  }
  res.writeHead(404).end()
})

server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    setupWSConnection(ws, req, { gc: true })
  })
})

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  console.info(`READY ${typeof address === 'object' && address ? address.port : 0}`)
})
process.on('SIGTERM', () => process.exit(0))
