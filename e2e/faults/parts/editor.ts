import { COLLAB_TEXT_KEY } from '@duplex/protocol/collab'
import { freshName } from '@duplex/testing/names'
import { expect } from '@playwright/test'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { SignedIn } from '../fixtures/actors.ts'
import { sleep, type FaultPartSetUp } from '../fixtures/part.ts'

// The editor through a fault: Ada on realtime instance 0 and Bob on instance 1 type into one
// document every 400 ms; every character must end up on both and in storage.

interface Editor {
  text(): string
  type(text: string): void
  close(): void
}

/** A y-websocket editor of `doc` on one realtime instance, as the editor page opens it. */
async function openEditor(realtimeUrl: string, who: SignedIn, doc: string): Promise<Editor> {
  const ydoc = new Y.Doc()
  const provider = new WebsocketProvider(`${realtimeUrl.replace(/^http/, 'ws')}/yjs`, doc, ydoc, {
    params: { token: who.token },
    disableBc: true,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`editor of ${doc} did not sync`)), 20_000)
    provider.once('sync', () => {
      clearTimeout(timer)
      resolve()
    })
  })
  const text = ydoc.getText(COLLAB_TEXT_KEY)
  let closed = false
  return {
    text: () => text.toString(),
    type: (more) => text.insert(text.length, more),
    close() {
      if (closed) return
      closed = true
      provider.destroy()
      ydoc.destroy()
    },
  }
}

export const editorPart: FaultPartSetUp = async ({ faults, ada, bob }) => {
  const [rt0, rt1] = faults.cluster.realtime
  const docName = freshName('faults-doc')
  const editors = {
    ada: await openEditor(rt0.url, ada, docName),
    bob: await openEditor(rt1.url, bob, docName),
  }
  const typed: string[] = []
  return {
    name: 'editor',
    async act(until, label) {
      const type = async (by: 'ada' | 'bob') => {
        for (let k = 1; Date.now() < until; k++) {
          const text = `[${label}-${by}-${k}]`
          editors[by].type(text)
          typed.push(text)
          await sleep(400)
        }
      }
      await Promise.all([type('ada'), type('bob')])
    },
    async check() {
      for (const who of ['ada', 'bob'] as const) {
        await expect
          .poll(() => typed.filter((text) => !editors[who].text().includes(text)), {
            timeout: 20_000,
            message: `edits missing from ${who}'s editor`,
          })
          .toEqual([])
      }
      expect(editors.ada.text()).toBe(editors.bob.text())
      // Stored too: a fresh load once nobody holds the document has every edit.
      editors.ada.close()
      editors.bob.close()
      await expect
        .poll(
          async () => {
            const fresh = await openEditor(rt1.url, bob, docName)
            const text = fresh.text()
            fresh.close()
            return typed.filter((t) => !text.includes(t))
          },
          { timeout: 20_000, intervals: [1000], message: 'edits missing from a fresh load' },
        )
        .toEqual([])
    },
    async close() {
      editors.ada.close()
      editors.bob.close()
    },
  }
}
