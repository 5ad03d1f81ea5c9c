/**
 * Baseline: Hocuspocus (`@hocuspocus/server` 4.7), the Yjs server users compare with, out of the
 * box: in memory (no storage extension), no auth hook.
 *
 *   WS   /           Hocuspocus protocol (document name inside each message)
 *   GET  /healthz    { connections, docs }
 */
import { Server } from '@hocuspocus/server'

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  websocketOptions: { perMessageDeflate: false },
  async onRequest({ request, response }) {
    if (request.url !== '/healthz') return
    response.writeHead(200, { 'Content-Type': 'application/json' })
    response.end(
      JSON.stringify({
        connections: server.hocuspocus.getConnectionsCount(),
        docs: server.hocuspocus.getDocumentsCount(),
      }),
    )
    // Hocuspocus answers every request no hook stopped with its welcome text; its documented way
    // to stop it is to reject with nothing (any error would be rethrown).
    return Promise.reject(null)
  },
})

await server.listen()
console.info(`READY ${server.address.port}`)
process.on('SIGTERM', () => process.exit(0))
