import type { BenchRun } from '@/features/compare/server/bench-results'

/** One line of the peers table: Duplex against what a user would pick instead. */
export interface PeerRow {
  id: string
  /** What is compared, e.g. "SSE route vs a bare Next route handler". */
  peer: string
  /** The ratios, Duplex ÷ peer, as the reader sees them. */
  figures: string
  /** What it means for someone choosing a stack, from the figures of this run. */
  meaning: string
}

const times = (x: number) => `${x.toFixed(2)}×`
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? a / b : undefined

/**
 * Duplex's rows beside the peers' rows of the same committed run. A row appears only when both
 * sides are in the run (older runs lack the peers), and its sentence follows the ratio, so a
 * regression reads as one.
 */
export function peerRows(run: BenchRun): PeerRow[] {
  const rows: PeerRow[] = []
  const idle = (stack: string) => run.idle.find((r) => r.stack === stack)?.rssPerConnBytes
  const biggestN = Math.max(0, ...run.fanout.map((r) => r.subscribers))
  const fanout = (stack: string, phase: 'fixed' | 'open') =>
    run.fanout.find((r) => r.stack === stack && r.phase === phase && r.subscribers === biggestN)
  const cpuPerDelivery = (stack: string) => {
    const row = fanout(stack, 'fixed')
    return row?.serverCpu !== undefined && row.deliveriesPerS > 0
      ? row.serverCpu / row.deliveriesPerS
      : undefined
  }

  const sseCpu = ratio(cpuPerDelivery('Next SSE route'), cpuPerDelivery('B3 bare Next route'))
  const sseMem = ratio(idle('Next SSE route'), idle('B3 bare Next route'))
  if (sseCpu !== undefined && sseMem !== undefined) {
    const atFloor = sseCpu <= 1.1 && sseMem <= 1.1
    rows.push({
      id: 'sse-b3',
      peer: 'SSE route vs a bare Next route handler (B3, same Next and React)',
      figures: `${times(sseCpu)} CPU per delivery (N=${biggestN}), ${times(sseMem)} memory per idle stream`,
      meaning: atFloor
        ? "Duplex's SSE route costs what any Next route handler costs: the distance to raw node:http is Next's, so it is the price of choosing Next for SSE at all."
        : 'Duplex adds measurably to a bare Next route handler here: part of the distance to raw node:http is ours, not Next’s.',
    })
  }

  const bsse = ratio(
    fanout('Next SSE route', 'open')?.deliveriesPerS,
    fanout('better-sse', 'open')?.deliveriesPerS,
  )
  const bsseMem = ratio(idle('Next SSE route'), idle('better-sse'))
  if (bsse !== undefined && bsseMem !== undefined) {
    rows.push({
      id: 'sse-better-sse',
      peer: 'SSE route vs better-sse on node:http',
      figures: `${times(bsse)} open-ended deliveries/s, ${times(bsseMem)} memory per idle stream`,
      meaning:
        bsseMem <= 1.5
          ? 'better-sse on plain Node and the Next route are close here: staying inside Next costs little.'
          : bsse >= 1
            ? 'Duplex keeps up with more deliveries per second, but better-sse on plain Node holds many more idle streams per GB: for many quiet SSE clients, a plain Node server is the leaner choice.'
            : 'Outside Next, better-sse delivers more and holds many more idle streams per GB: if SSE is all a service needs, a plain Node server with it is the leaner choice.',
    })
  }

  const json = run.json ?? []
  const jsonCpu = ratio(
    json.find((r) => r.stack === 'Duplex web, GET /api/health')?.cpuPerRequestUs,
    json.find((r) => r.stack === 'B3 bare Next route')?.cpuPerRequestUs,
  )
  if (jsonCpu !== undefined) {
    rows.push({
      id: 'json-b3',
      peer: 'JSON route vs a bare Next route handler (B3)',
      figures: `${times(jsonCpu)} server CPU per request`,
      meaning:
        jsonCpu <= 1.1
          ? 'A Duplex JSON route costs what a bare Next route costs: the per-request price is the framework’s.'
          : 'Each Duplex request does work a bare Next route does not (guards, headers, instrumentation): this is that work’s price per request.',
    })
  }

  const replay = run.yjs?.replay ?? []
  const published = replay.filter((r) => r.trace === 'seph-blog1' && r.observers === 1)
  const find = (server: string) => published.find((r) => r.server === server)
  const ours = find('Duplex realtime')
  const bare = find('bare @y/websocket-server')
  const hocus = find('Hocuspocus')
  if (ours && bare) {
    const cpu = ratio(ours.serverCpuS, bare.serverCpuS) ?? 0
    const converge = ratio(ours.convergeMs, bare.convergeMs) ?? 0
    rows.push({
      id: 'yjs-bare',
      peer: `Yjs relay vs bare @y/websocket-server (real editing trace, ${ours.txns.toLocaleString('en-US')} transactions, 1 observer)`,
      figures: `${times(cpu)} server CPU, ${times(converge)} time to converge, ${ours.dropped} connection(s) dropped`,
      meaning:
        cpu <= 1.3 && converge <= 1.3 && ours.dropped === 0
          ? 'Duplex stores every update and still relays a fast typist at about the bare server’s cost.'
          : 'Storing every update costs Duplex clearly more than the bare, memory-only server under a fast writer: budget server CPU for persistence.',
    })
  }
  if (ours && hocus) {
    const cpu = ratio(ours.serverCpuS, hocus.serverCpuS) ?? 0
    rows.push({
      id: 'yjs-hocuspocus',
      peer: 'Yjs relay vs Hocuspocus 4.7 (same trace, in memory)',
      figures: `${times(cpu)} server CPU, ${times(ratio(ours.convergeMs, hocus.convergeMs) ?? 0)} time to converge`,
      meaning:
        cpu <= 1
          ? 'Duplex relays the same editing for less server CPU than Hocuspocus out of the box.'
          : 'Hocuspocus relays the same editing for less server CPU than Duplex here.',
    })
  }

  const rtt = (stack: string) => run.rtt.find((r) => r.stack === stack)?.sender.p99Ms
  const chatRtt = ratio(rtt('Socket.IO chat'), rtt('Socket.IO library alone'))
  const chatMem = ratio(idle('Socket.IO chat server'), idle('Socket.IO, library alone'))
  if (chatRtt !== undefined && chatMem !== undefined) {
    rows.push({
      id: 'chat-sio',
      peer: 'Chat vs Socket.IO alone (broadcast and ack, nothing stored)',
      figures: `${times(chatRtt)} round-trip p99, ${times(chatMem)} memory per idle socket`,
      meaning:
        chatRtt <= 1.5
          ? 'Validation, rate limits and a stored message add little to Socket.IO’s own round trip.'
          : 'Validation, rate limits and storing each message before the ack are what the tail pays over Socket.IO alone.',
    })
  }
  return rows
}
