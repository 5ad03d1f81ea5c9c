import type { Socket as ServerSocket } from 'socket.io'
import { io as connectClient } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '@duplex/testing/wait'
import { startTestServer, type TestServer } from '../test-helpers.ts'
import { defineFeature } from './feature.ts'
import { onEverySocket } from './socket-io.ts'

let server: TestServer | undefined

afterEach(async () => {
  await server?.cleanup()
  server = undefined
})

/** What the `echo` listener saw, per call. */
interface Seen {
  socketId: string
  user: string
  args: unknown[]
  connected: boolean
}

function echoFeature(seen: Seen[]) {
  return defineFeature({
    name: 'echo',
    attach({ io }) {
      onEverySocket(io, 'echo', function (this: ServerSocket, ...args: unknown[]) {
        const last = args.at(-1)
        seen.push({
          socketId: this.id,
          user: (this.data as { user: { id: string } }).user.id,
          args: typeof last === 'function' ? args.slice(0, -1) : args,
          connected: this.connected,
        })
        if (typeof last === 'function') (last as (answer: unknown) => void)({ echoed: args[0] })
      })
      expect(() => onEverySocket(io, 'echo', () => undefined)).toThrow(/already/)
      return { stop: async () => undefined }
    },
  })
}

describe('onEverySocket', () => {
  it('calls one listener for every socket, with that socket as this and the ack last', async () => {
    const seen: Seen[] = []
    server = await startTestServer({ features: [echoFeature(seen)] })
    const open = async (id: string) => {
      const client = connectClient(server?.url ?? '', {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token: await server?.token({ id, name: id }) },
      })
      await new Promise<void>((resolve) => client.once('connect', () => resolve()))
      return client
    }
    const ada = await open('u_ada')
    const bob = await open('u_bob')

    expect(await ada.emitWithAck('echo', 'hello')).toEqual({ echoed: 'hello' })
    bob.emit('echo', 1, 2)
    await waitFor(() => seen.length === 2, 'both events')
    expect(seen).toEqual([
      { socketId: ada.id, user: 'u_ada', args: ['hello'], connected: true },
      { socketId: bob.id, user: 'u_bob', args: [1, 2], connected: true },
    ])

    // Events the server has no listener for are ignored, as with socket.on.
    expect(
      await ada
        .timeout(300)
        .emitWithAck('nobody-listens')
        .catch(() => 'no ack'),
    ).toBe('no ack')
    ada.disconnect()
    bob.disconnect()
  })
})
