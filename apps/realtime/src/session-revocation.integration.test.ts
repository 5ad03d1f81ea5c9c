import { createFileRevocationStore, verifySessionToken } from '@duplex/auth'
import { TEST_SESSION_SECRET } from '@duplex/testing/session'
import { io as connectClient } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './test-helpers.ts'

let server: TestServer | undefined
afterEach(async () => {
  await server?.cleanup()
  server = undefined
})

/** `connect`, or the server's `connect_error` message. */
function handshake(url: string, token: string): Promise<string> {
  const client = connectClient(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token },
  })
  return new Promise<string>((resolve) => {
    client.once('connect', () => resolve('connect'))
    client.once('connect_error', (error) => resolve(error.message))
  }).finally(() => client.close())
}

describe('a signed-out session', () => {
  it('is refused by the realtime server as soon as the web app writes the sign-out down', async () => {
    server = await startTestServer()
    const token = await server.token({ id: 'u_ada', name: 'Ada' })
    const other = await server.token({ id: 'u_bob', name: 'Bob' })
    expect(await handshake(server.url, token)).toBe('connect')

    // What the web app's DELETE /api/session does, in the data folder both apps share.
    const verified = await verifySessionToken(token, TEST_SESSION_SECRET)
    if (!verified.ok) throw new Error('the test token did not verify')
    await createFileRevocationStore({ dataDir: server.dataDir }).revoke(
      verified.tokenId,
      verified.expiresAt,
    )

    expect(await handshake(server.url, token)).toMatch(/^unauthorized/)
    // Nobody else is signed out with it, and the server still answers.
    expect(await handshake(server.url, other)).toBe('connect')
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })
})
