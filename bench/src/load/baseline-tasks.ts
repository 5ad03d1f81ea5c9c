import { BARE_SIO_EVENTS } from '../lib/payload.ts'
import WebSocket from 'ws'
import { now } from '../lib/net.ts'
import { closeWs, openSio, openSioMember, openSse, openWs, type Conn } from './clients.ts'
import { b1SocketUrl, b2StreamUrl } from './endpoints.ts'
import { defineTask, roundTrips, sioRoundTrips, type WorkerPart } from './tasks.ts'

/** The load worker's part for the baselines (B1, B2, Socket.IO alone): always there. */
export const baselineTasks: WorkerPart = {
  connectors: {
    sse: (spec, index, onDelivery) => openSse(spec.url, index, onDelivery),
    ws: (spec, index, onDelivery) => openWs(spec.url, index, onDelivery),
    sio: (spec, index, onDelivery) => openSio(spec.url, index, onDelivery),
  },
  floods: {
    'sse-b2': async (p, onDelivery) => ({
      conn: await openSse(b2StreamUrl(p.url), 0, onDelivery),
      trigger: () =>
        fetch(`${p.url}/flood`, {
          method: 'POST',
          body: JSON.stringify({ count: p.count, firstSeq: p.firstSeq }),
        }),
    }),
    'ws-b1': async (p, onDelivery) => {
      const conn = await openWs(b1SocketUrl(p.url), 0, onDelivery)
      const pub = new WebSocket(b1SocketUrl(p.url, 'pub'), { perMessageDeflate: false })
      await new Promise((resolve) => pub.once('open', resolve))
      return {
        conn,
        trigger: async () => {
          pub.send(JSON.stringify({ op: 'flood', count: p.count, firstSeq: p.firstSeq }))
          await new Promise((resolve) => pub.once('message', resolve))
          await closeWs(pub)
        },
      }
    },
    sio: async (p, onDelivery) => {
      const sio = (await openSio(p.url, 0, onDelivery)) as Conn & {
        socket: { emitWithAck(event: string, arg: unknown): Promise<unknown> }
      }
      return {
        conn: sio,
        trigger: () => sio.socket.emitWithAck('flood', { count: p.count, firstSeq: p.firstSeq }),
      }
    },
  },
  tasks: {
    // A round trip against Socket.IO with nothing of ours (bench/src/servers/sio-flood.ts).
    'sio-rtt': defineTask<{ url: string; count: number }>((p, kit) =>
      sioRoundTrips(
        kit,
        p.count,
        'library',
        (_user, index, onDelivery) => openSioMember(p.url, index, onDelivery),
        BARE_SIO_EVENTS,
      ),
    ),
    'ws-echo': defineTask<{ url: string; count: number }>(async (p, kit) => {
      kit.expect(1, p.count)
      const sentAt = new Float64Array(p.count + 1)
      const other = kit.track()
      const member = await openWs(b1SocketUrl(p.url), 1, (seq) =>
        other.onDelivery(seq, sentAt[seq] ?? 0),
      )
      const sender = new WebSocket(b1SocketUrl(p.url, 'pub'), { perMessageDeflate: false })
      await new Promise((resolve) => sender.once('open', resolve))
      let waiting: ((seq: number) => void) | undefined
      sender.on('message', (data) =>
        waiting?.((JSON.parse(data.toString()) as { seq: number }).seq),
      )
      const ack = await roundTrips(
        p.count,
        (seq) =>
          new Promise<void>((resolve) => {
            waiting = (echoed) => echoed === seq && resolve()
            sentAt[seq] = now()
            sender.send(JSON.stringify({ op: 'chat', seq }))
          }),
        () => other.delivered === p.count,
      )
      const result = { ack: ack.toJSON(), refused: 0, ...kit.stats() }
      await Promise.all([closeWs(sender), member.close()])
      kit.done()
      return result
    }),
  },
}
