import type { ClientToServerEvents, ServerToClientEvents } from '@duplex/protocol/chat'
import { freshName } from '@duplex/testing/names'
import { io, type Socket } from 'socket.io-client'
import { signInApi } from '../fixtures/http.ts'
import { connected } from '../fixtures/socket-client.ts'
import { startTcpProxy, type TcpProxy } from '../fixtures/tcp-proxy.ts'
import { CHAT_BUDGET, expect, test } from './fixtures/cluster.ts'

// Behind nginx every connection reaches the realtime instances from 127.0.0.1. Chat's per-IP
// budgets must count the clients nginx names in X-Forwarded-For (TRUSTED_PROXIES), or one
// shared budget of `ipFactor` users' worth refuses everyone as soon as one more user is busy.

type ChatClient = Socket<ServerToClientEvents, ClientToServerEvents>

/** One user at an address of their own (a loopback alias), in front of the balanced nginx. */
interface FarUser {
  address: string
  via: TcpProxy
  client: ChatClient
}

async function openFarUser(proxyPort: number, address: string): Promise<FarUser> {
  const via = await startTcpProxy(proxyPort, '127.0.0.1', { localAddress: address })
  // Signed in through nginx too: the web app counts this address for its sign-in limit.
  const user = await signInApi(freshName(`far-${address}`), via.url)
  const client: ChatClient = io(via.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token: user.token },
  })
  await connected(client)
  return { address, via, client }
}

test('behind nginx, more users than CHAT_RATE_IP_FACTOR each send up to their own limit and none is refused for the others', async ({
  cluster,
}) => {
  const proxyPort = Number(new URL(cluster.proxyUrl).port)
  const room = freshName('crowd')
  const users = await Promise.all(
    Array.from({ length: CHAT_BUDGET.ipFactor + 1 }, (_, i) =>
      openFarUser(proxyPort, `127.0.0.${20 + i}`),
    ),
  )
  try {
    for (const { client } of users) {
      const joined = await client.emitWithAck('join-room', { roomId: room })
      expect(joined.ok).toBe(true)
    }
    // Everyone at once, each their whole budget and then one more.
    const outcomes = await Promise.all(
      users.map(async ({ address, client }) => {
        const acks = []
        for (let i = 0; i <= CHAT_BUDGET.points; i++) {
          acks.push(
            await client.emitWithAck('send-message', {
              roomId: room,
              text: `${address} #${i}`,
              clientId: `${address.replaceAll('.', '_')}-${i}`,
            }),
          )
        }
        return { address, acks }
      }),
    )
    for (const { address, acks } of outcomes) {
      const refusals = acks.filter((ack) => !ack.ok)
      expect(
        refusals.map((ack) => (ack.ok ? '' : ack.error.message)),
        `${address}: only its own extra message is refused`,
      ).toEqual([
        expect.stringMatching(
          new RegExp(`^at most ${CHAT_BUDGET.points} messages per ${CHAT_BUDGET.seconds} s;`),
        ),
      ])
      expect(acks.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } })
    }
  } finally {
    for (const { client, via } of users) {
      client.disconnect()
      await via.close()
    }
  }
})
