import { COLLAB_TEXT_KEY } from '@duplex/protocol/collab'
import type { SessionUser } from '@duplex/protocol/session'
import fc from 'fast-check'
import * as encoding from 'lib0/encoding'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { waitFor } from '@duplex/testing/wait'
import { startTestServer, type TestServer } from '../../test-helpers.ts'
import { openDocs } from './test-docs.ts'

/** Change it (or set FUZZ_SEED) to explore; a failure prints the seed that found it. */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202)
const INPUTS = 2000

const ada: SessionUser = { id: 'u_ada', name: 'Ada' }
const mallory: SessionUser = { id: 'u_mallory', name: 'Mallory' }

type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/** Real frames of each kind a client sends, as seeds for mutation. */
function validFrames(): Uint8Array[] {
  const doc = new Y.Doc()
  doc.getText(COLLAB_TEXT_KEY).insert(0, 'fuzz seed text')
  const update = Y.encodeStateAsUpdate(doc)
  const awareness = frame((e) => {
    encoding.writeVarUint(e, 1)
    const inner = frame((i) => {
      encoding.writeVarUint(i, 1)
      encoding.writeVarUint(i, doc.clientID)
      encoding.writeVarUint(i, 1)
      encoding.writeVarString(i, JSON.stringify({ user: { name: 'x', color: '#123456' } }))
    })
    encoding.writeVarUint8Array(e, inner)
  })
  return [
    frame((e) => {
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))
    }),
    frame((e) => {
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint(e, 2)
      encoding.writeVarUint8Array(e, update)
    }),
    awareness,
  ]
}

/** Raw bytes, valid frames with bytes flipped, cut or appended, and valid type prefixes. */
function frames(seeds: Uint8Array[]) {
  const mutated = fc
    .record({
      seed: fc.constantFrom(...seeds),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      tail: fc.uint8Array({ maxLength: 8 }),
    })
    .map(({ seed, flips, cut, tail }) => {
      const bytes = Uint8Array.from(seed)
      for (const [at, value] of flips) bytes[at % bytes.length] = value
      const kept = cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1))
      return Uint8Array.from([...kept, ...tail])
    })
  const prefixed = fc
    .tuple(fc.constantFrom([0, 0], [0, 1], [0, 2], [1], [2], [3]), fc.uint8Array({ maxLength: 64 }))
    .map(([prefix, rest]) => Uint8Array.from([...prefix, ...rest]))
  return fc.oneof(mutated, prefixed, fc.uint8Array({ maxLength: 128 }))
}

describe('the Yjs endpoint under a seeded fuzz corpus', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ env: { YJS_AWARENESS_RATE_POINTS: '100000' } })
  })
  afterAll(async () => {
    await server.cleanup()
  })

  it(
    `survives ${INPUTS} generated frames and keeps every stored document`,
    { timeout: 120_000 },
    async () => {
      const doc = new Y.Doc()
      const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}/yjs`, 'precious', doc, {
        params: { token: await server.token(ada) },
        WebSocketPolyfill: WebSocket as unknown as ProviderOptions['WebSocketPolyfill'],
        disableBc: true,
      })
      await waitFor(() => provider.synced)
      doc.getText(COLLAB_TEXT_KEY).insert(0, 'precious text')
      const store = await openDocs(server.storageOptions)
      const storedText = async (name: string) => {
        const copy = new Y.Doc()
        for (const update of await store.loadDocUpdates(name)) Y.applyUpdate(copy, update)
        return copy.getText(COLLAB_TEXT_KEY).toString()
      }
      await waitFor(async () => (await storedText('precious')) === 'precious text')

      const inputs = fc.sample(frames(validFrames()), { seed: SEED, numRuns: INPUTS })
      const token = await server.token(mallory)
      const url = `ws://127.0.0.1:${server.port}/yjs/target?token=${token}`
      const closeCodes = new Map<number, number>()
      let connections = 0
      let socket: WebSocket | undefined
      for (const input of inputs) {
        if (!socket || socket.readyState !== WebSocket.OPEN) {
          const next = new WebSocket(url)
          next.on('error', () => undefined)
          next.on('close', (code) => closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1))
          await new Promise<void>((resolve, reject) => {
            next.once('open', () => resolve())
            next.once('close', () => reject(new Error('refused while fuzzing')))
          })
          connections++
          socket = next
        }
        // Waits for the write, so a close in answer to this frame is seen before the next one.
        await new Promise<void>((resolve) => socket?.send(input, () => resolve()))
        await new Promise((resolve) => setImmediate(resolve))
      }
      socket?.terminate()
      console.info(
        `[fuzz] Yjs: ${inputs.length} frames (seed ${SEED}) over ${connections} connections; ` +
          `close codes ${JSON.stringify(Object.fromEntries(closeCodes))}`,
      )

      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
      expect(provider.wsconnected).toBe(true)
      expect(doc.getText(COLLAB_TEXT_KEY).toString()).toBe('precious text')
      expect(await storedText('precious')).toBe('precious text')
      // Whatever the fuzzer managed to store still loads.
      await storedText('target')
      provider.destroy()
      await store.close()
    },
  )
})
