import { COLLAB_PATH } from '@duplex/protocol/collab'
import { realtimeAuthToken } from '@/shared/lib/realtime-auth'
import { toWebSocketUrl } from '@/shared/lib/realtime-url'
import { IN_FLIGHT, pump, waker, type LegProgress, type LegSetup } from './transports'

// The editor's Yjs endpoint, timed from this page: this file goes when the editor demo is removed.

/** Yjs: one provider sets `bench.m = [seq, t]`, a second provider on the same document applies it. */
export async function runYjs(setup: LegSetup, progress: LegProgress): Promise<void> {
  const [Y, { WebsocketProvider }] = await Promise.all([import('yjs'), import('y-websocket')])
  const token = await realtimeAuthToken(setup.realtimeUrl)
  const docName = `compare-${crypto.randomUUID().slice(0, 12)}`
  const url = `${toWebSocketUrl(setup.realtimeUrl)}${COLLAB_PATH}`
  const params: Record<string, string> = token ? { token } : {}
  const a = new Y.Doc()
  const b = new Y.Doc()
  const providers = [
    new WebsocketProvider(url, docName, a, { params, disableBc: true }),
    new WebsocketProvider(url, docName, b, { params, disableBc: true }),
  ]
  try {
    await Promise.all(
      providers.map(
        (p) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('the Yjs socket did not sync')), 15_000)
            p.once('sync', () => {
              clearTimeout(timer)
              resolve()
            })
          }),
      ),
    )
    const seen = new Uint8Array(setup.messages)
    let done = 0
    const wake = waker()
    // A close the provider will not retry (4401: the session signed out or expired mid-run) ends
    // the leg with its reason, instead of waiting for updates that cannot come.
    let stopped: string | undefined
    for (const p of providers) {
      p.on('closed', ({ code, reason }) => {
        stopped ??= `closed ${code} ${reason}`
        wake.notify()
      })
    }
    const remote = b.getMap<[number, number]>('bench')
    remote.observe(() => {
      const value = remote.get('m')
      if (!value) return
      const [seq, t] = value
      if (seen[seq]) return progress.onDuplicate()
      seen[seq] = 1
      done++
      progress.onDone(performance.now() - t)
      wake.notify()
    })
    const local = a.getMap<[number, number]>('bench')
    await pump(
      setup.messages,
      IN_FLIGHT,
      progress.signal,
      (seq) => local.set('m', [seq, performance.now()]),
      () => (stopped === undefined ? done : setup.messages),
      wake,
    )
    if (stopped !== undefined) throw new Error(stopped)
  } finally {
    for (const p of providers) p.destroy()
    a.destroy()
    b.destroy()
    // A measurement is not a document anyone wants in the editor's list.
    await fetch(`${setup.realtimeUrl}/api/docs/${docName}`, {
      method: 'DELETE',
      credentials: 'include',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    }).catch(() => undefined)
  }
}
