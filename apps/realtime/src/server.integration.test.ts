import { createProxyTrust } from '@duplex/cluster'
import { OriginCheckSchema } from '@duplex/protocol/origin'
import { rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { createServer, type AddressInfo } from 'node:net'
import { io as connectClient } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { waitFor } from '@duplex/testing/wait'
import { TEST_SESSION_SECRET } from '@duplex/testing/session'
import { silentLogger } from './shared/log.ts'
import { createRealtimeServer } from './server.ts'
import { SQLITE_FILE } from './shared/storage/database.ts'
import { makeDataDir, startTestServer, type TestServer } from './test-helpers.ts'

let server: TestServer | undefined

afterEach(async () => {
  await server?.cleanup()
  server = undefined
})

describe('createRealtimeServer', () => {
  it('answers /healthz with JSON', async () => {
    server = await startTestServer()
    const res = await fetch(`${server.url}/healthz`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({
      status: 'ok',
      mode: 'single',
      uptimeSeconds: expect.any(Number),
      connections: {
        socketio: 0,
        yjs: 0, // demo:editor
      },
      dependencies: { database: 'up' },
    })
  })

  it('answers /readyz 200 with each dependency when all are up', async () => {
    server = await startTestServer()
    const res = await fetch(`${server.url}/readyz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', dependencies: { database: 'up' } })
  })

  // demo:chat:start
  it('exposes Prometheus metrics per transport and per rejection code', async () => {
    server = await startTestServer()
    const client = connectClient(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: await server.token({ id: 'u_ada', name: 'Ada' }) },
    })
    await new Promise<void>((resolve) => client.once('connect', () => resolve()))
    await client.emitWithAck('join-room', { roomId: 'general' })
    const res = await fetch(`${server.url}/metrics`)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toContain('duplex_realtime_connections{transport="socketio"} 1')
    expect(text).toContain('duplex_realtime_connections{transport="yjs"} 0') // demo:editor
    expect(text).toMatch(/duplex_realtime_messages_in_total\{transport="socketio"\} [1-9]/)
    expect(text).toMatch(/duplex_realtime_messages_out_total\{transport="socketio"\} [1-9]/)
    expect(text).toContain(
      'duplex_realtime_rejected_messages_total{transport="socketio",code="rate_limited"} 0',
    )
    client.disconnect()
  })
  // demo:chat:end

  it('restricts /metrics to loopback by default, or to the bearer of METRICS_TOKEN', async () => {
    server = await startTestServer()
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200)
    // Through a reverse proxy on this host every request is local; the proxy's header gives it away.
    const proxied = await fetch(`${server.url}/metrics`, {
      headers: { 'X-Forwarded-For': '203.0.113.7' },
    })
    expect(proxied.status).toBe(403)
    expect(await proxied.json()).toMatchObject({ error: { code: 'forbidden' } })
    await server.cleanup()

    const token = 'metrics-token-of-enough-length'
    server = await startTestServer({ metricsToken: token })
    expect((await fetch(`${server.url}/metrics`)).status).toBe(403)
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { Authorization: 'Bearer metrics-token-of-enough-lengtH' },
    })
    expect(wrong.status).toBe(403)
    const scraped = await fetch(`${server.url}/metrics`, {
      headers: { Authorization: `Bearer ${token}`, 'X-Forwarded-For': '203.0.113.7' },
    })
    expect(scraped.status).toBe(200)
    expect(await scraped.text()).toContain('duplex_realtime_connections')
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  it('keeps /metrics from proxied requests even when the proxy is trusted', async () => {
    server = await startTestServer({ trustedProxies: createProxyTrust(['loopback']) })
    // The client behind a proxy on this host may be anyone; TRUSTED_PROXIES does not make it local.
    const proxied = await fetch(`${server.url}/metrics`, {
      headers: { 'X-Forwarded-For': '127.0.0.1' },
    })
    expect(proxied.status).toBe(403)
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200)
  })

  it('tells any page, without credentials, whether its origin is allowed', async () => {
    server = await startTestServer({ webPort: 4100 })
    const ask = async (origin?: string) => {
      const response = await fetch(`${server?.url}/origin`, {
        headers: origin ? { Origin: origin } : {},
      })
      expect(response.status).toBe(200)
      // Readable by the refused page itself, and never with its cookies.
      expect(response.headers.get('access-control-allow-origin')).toBe('*')
      expect(response.headers.get('access-control-allow-credentials')).toBeNull()
      return OriginCheckSchema.parse(await response.json())
    }
    expect(await ask('http://localhost:4100')).toEqual({
      origin: 'http://localhost:4100',
      allowed: true,
      setting: 'ALLOWED_ORIGINS',
    })
    expect(await ask('http://localhost:3000')).toMatchObject({ allowed: false })
    expect(await ask()).toEqual({ origin: null, allowed: true, setting: 'ALLOWED_ORIGINS' })
    // The same refusal the socket gets: the check and the handshake share one policy.
    const refused = connectClient(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { Origin: 'http://localhost:3000' },
    })
    await new Promise<void>((resolve) => refused.once('connect_error', () => resolve()))
    refused.disconnect()
  })

  it('creates the data folder and the SQLite files owner-only', async () => {
    const parent = await makeDataDir()
    const dataDir = path.join(parent, 'fresh')
    server = await startTestServer({ dataDir })
    const mode = async (file: string) => (await stat(path.join(dataDir, file))).mode & 0o777
    expect(await mode('.')).toBe(0o700)
    expect(await mode(SQLITE_FILE)).toBe(0o600)
    expect(await mode(`${SQLITE_FILE}-wal`)).toBe(0o600)
    await server.cleanup()
    server = undefined
    await rm(parent, { recursive: true, force: true })
  })

  it('answers 404 for unknown paths and unknown upgrades', async () => {
    server = await startTestServer()
    expect((await fetch(`${server.url}/nope`)).status).toBe(404)
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/elsewhere`)
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      socket.on('error', () => resolve(-1))
    })
    expect(status).toBe(404)
  })

  it('stops once however often it is asked, and closes connected sockets', async () => {
    server = await startTestServer()
    const client = connectClient(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: await server.token({ id: 'u_ada', name: 'Ada' }) },
    })
    await new Promise<void>((resolve) => client.once('connect', () => resolve()))
    await Promise.all([server.stop(), server.stop()])
    await server.stop()
    await waitFor(() => !client.connected, 'the client to be disconnected')
    await expect(server.server.start()).rejects.toThrow(/stopped/)
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
  })

  it('can be stopped before it was started', async () => {
    const dataDir = await makeDataDir()
    const idle = createRealtimeServer({
      port: 0,
      dataDir,
      sessionSecret: TEST_SESSION_SECRET,
      log: silentLogger,
    })
    await expect(idle.stop()).resolves.toBeUndefined()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('releases everything when listening fails, so another server can start', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const dataDir = await makeDataDir()
    const clash = createRealtimeServer({
      port: (blocker.address() as AddressInfo).port,
      host: '127.0.0.1',
      dataDir,
      sessionSecret: TEST_SESSION_SECRET,
      log: silentLogger,
    })
    await expect(clash.start()).rejects.toThrow(/EADDRINUSE/)
    await new Promise((resolve) => blocker.close(resolve))
    // The failed server detached its collab (one per process) and closed its database on the way out.
    server = await startTestServer({ dataDir })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  // demo:editor:start
  it('refuses to run two collab servers in one process, explaining why', async () => {
    server = await startTestServer()
    const dataDir = await makeDataDir()
    const second = createRealtimeServer({
      port: 0,
      dataDir,
      sessionSecret: TEST_SESSION_SECRET,
      log: silentLogger,
    })
    await expect(second.start()).rejects.toThrow(/already attached/)
    await rm(dataDir, { recursive: true, force: true })
  })
  // demo:editor:end
})
