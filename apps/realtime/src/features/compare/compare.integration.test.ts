import type { CompareClientToServerEvents } from '@duplex/protocol/compare'
import { io as connectClient, type Socket } from 'socket.io-client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestServer, testModes, type TestServer } from '../../test-helpers.ts'
import { compare } from './feature.ts'

type Client = Socket<Record<never, never>, CompareClientToServerEvents>

describe.each(await testModes())('compare-echo ($mode mode)', ({ mode, skip }) => {
  let server: TestServer
  const clients: Client[] = []

  beforeEach(async (context) => {
    if (skip) return context.skip()
    server = await startTestServer({ mode })
  })

  afterEach(async () => {
    if (skip) return
    for (const client of clients.splice(0)) client.disconnect()
    await server.cleanup()
  })

  async function connect(target = server): Promise<Client> {
    const client: Client = connectClient(target.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: await target.token({ id: 'u_ada', name: 'Ada' }) },
    })
    clients.push(client)
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve)
      client.once('connect_error', reject)
    })
    return client
  }

  it('acks the payload back unchanged', async () => {
    const client = await connect()
    expect(await client.emitWithAck('compare-echo', { seq: 7, t: 1234.5 })).toEqual({
      ok: true,
      seq: 7,
      t: 1234.5,
    })
  })

  it('acks a bad payload with invalid, naming the field, and keeps serving', async () => {
    const client = await connect()
    expect(await client.emitWithAck('compare-echo', { seq: -1, t: 1 })).toEqual({
      ok: false,
      error: { code: 'invalid', message: expect.stringMatching(/^seq: /) },
    })
    const extra = await client.emitWithAck('compare-echo', { seq: 1, t: 1, x: 1 } as never)
    expect(extra.ok === false && extra.error.code).toBe('invalid')
    const emitRaw = client.emitWithAck.bind(client) as (...args: unknown[]) => Promise<unknown>
    expect(await emitRaw('compare-echo')).toMatchObject({ ok: false, error: { code: 'invalid' } })
    // No ack: nothing to answer, no crash.
    ;(client.emit.bind(client) as (...args: unknown[]) => void)('compare-echo', { seq: 1, t: 1 })
    expect(await client.emitWithAck('compare-echo', { seq: 2, t: 2 })).toMatchObject({ ok: true })
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(
      /duplex_realtime_rejected_messages_total\{transport="socketio",code="invalid"\} [3-9]/,
    )
  })

  it('runs alone, without the other features', async () => {
    const alone = await startTestServer({ mode, features: [compare] })
    try {
      const client = await connect(alone)
      expect(await client.emitWithAck('compare-echo', { seq: 1, t: 2 })).toEqual({
        ok: true,
        seq: 1,
        t: 2,
      })
      const health = (await (await fetch(`${alone.url}/healthz`)).json()) as unknown
      expect(health).toMatchObject({ status: 'ok', mode, connections: { socketio: 1 } })
      expect(health).not.toHaveProperty('connections.yjs')
    } finally {
      await alone.cleanup()
    }
  })
})
