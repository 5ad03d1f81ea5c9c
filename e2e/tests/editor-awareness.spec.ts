import { freshName } from '@duplex/testing/names'
import { openDoc } from '../fixtures/editor.ts'
import { E2E } from '../fixtures/ports.ts'
import { expect, test } from '../fixtures/realtime.ts'
import { openUser } from '../fixtures/users.ts'

/** A y-websocket awareness frame, by hand: what a hostile script can put on the wire. */
function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(state))
  const varUint = (n: number) => {
    const bytes: number[] = []
    while (n > 0x7f) {
      bytes.push((n & 0x7f) | 0x80)
      n >>>= 7
    }
    bytes.push(n)
    return bytes
  }
  const inner = [
    ...varUint(1),
    ...varUint(clientId),
    ...varUint(clock),
    ...varUint(json.length),
    ...json,
  ]
  return Uint8Array.from([...varUint(1), ...varUint(inner.length), ...inner])
}

test('the editor shows a spoofed cursor under its real name, with a safe colour', async ({
  browser,
}) => {
  const doc = freshName('spoof')
  const ada = await openUser(browser, 'Ada')
  await openDoc(ada.page, doc)
  const peers = ada.page.getByTestId('peer-list').locator('[title]')
  await expect(peers).toHaveCount(1)

  // Mallory, signed in as herself, opens the document from a script on her own page, claims to
  // be Ada and puts CSS into her cursor colour.
  const mallory = await openUser(browser, 'Mallory')
  await mallory.page.goto('/')
  const overlay = 'red;position:fixed;inset:0;z-index:9999;background:url(https://evil.example/x)'
  const frame = [
    ...awarenessFrame(31337, 1, { user: { id: 'u_ada', name: 'Ada', color: overlay } }),
  ]
  await mallory.page.evaluate(
    async ({ url, frame }) => {
      const socket = new WebSocket(url)
      socket.binaryType = 'arraybuffer'
      await new Promise((resolve, reject) => {
        socket.onopen = resolve
        socket.onerror = reject
      })
      socket.send(Uint8Array.from(frame))
      ;(window as unknown as { spoofer: WebSocket }).spoofer = socket
    },
    { url: `ws://127.0.0.1:${E2E.realtimePort}/yjs/${doc}`, frame },
  )
  try {
    await expect(peers).toHaveCount(2)
    const spoofer = ada.page.getByTestId('peer-list').locator('[title="Mallory"]')
    await expect(spoofer).toBeVisible()
    // The server replaced the colour with its neutral slate; the page never saw the CSS.
    await expect(spoofer).toHaveCSS('background-color', 'rgb(100, 116, 139)')
    await expect(ada.page.getByTestId('peer-list').locator('[title="Ada"]')).toHaveCount(0)
    expect(await ada.page.locator('[style*="evil.example"]').count()).toBe(0)
  } finally {
    await mallory.context.close()
    await ada.context.close()
  }
})
