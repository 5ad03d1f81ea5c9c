/**
 * Socket.IO, the library alone (no auth, storage or rate limit): the guide's "one client gets
 * 10,000 messages as fast as the server sends" for Socket.IO. The realtime server itself has no
 * server-initiated stream to flood with, so the flood uses the same library on its own.
 *
 *   emit('flood', { count, firstSeq }, ack)   count `tick` events to this socket, then the ack
 *   emit('publish', payload, ack)              `published` with the payload to every other
 *                                              socket, then the ack: a round trip with nothing
 *                                              of ours (no auth, validation, limit, store)
 */
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { BARE_SIO_EVENTS, benchTick } from '../lib/payload.ts'

const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ connections: io.of('/').sockets.size }))
    return
  }
})
const io = new Server(server, { serveClient: false, transports: ['websocket'] })

io.on('connection', (socket) => {
  socket.on('flood', (command: { count: number; firstSeq: number }, ack: () => void) => {
    // Socket.IO has no back-pressure signal on emit: everything goes into the socket's buffer.
    for (let i = 0; i < command.count; i++) {
      socket.emit('tick', benchTick(command.firstSeq + i))
    }
    ack()
  })
  socket.on(BARE_SIO_EVENTS.send, (payload: unknown, ack: (answer: unknown) => void) => {
    socket.broadcast.emit(BARE_SIO_EVENTS.broadcast, payload)
    ack({ ok: true, message: payload })
  })
})

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address()
  console.info(`READY ${typeof address === 'object' && address ? address.port : 0}`)
})
process.on('SIGTERM', () => process.exit(0))
