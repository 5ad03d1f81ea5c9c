import type { BenchRun } from '@/features/compare/server/bench-results'

/**
 * One line of the peers table: Duplex against what a user would pick instead. The words are in the
 * messages (`compare.peers.<id>`): `values` fill the row's `peer` and `figures` sentences, and
 * `meaning` names which of its sentences on what the figures mean applies.
 */
export interface PeerRow {
  id: 'sse-b3' | 'sse-better-sse' | 'json-b3' | 'yjs-bare' | 'yjs-hocuspocus' | 'chat-sio'
  /** Ratios (Duplex ÷ peer), counts and sizes, formatted by the page in the reader's locale. */
  values: Record<string, number>
  /** The key of the sentence, under `compare.peers.<id>.meaning`, that fits these figures. */
  meaning: string
}

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
      values: { cpu: sseCpu, memory: sseMem, n: biggestN },
      meaning: atFloor ? 'floor' : 'ours',
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
      values: { rate: bsse, memory: bsseMem },
      meaning: bsseMem <= 1.5 ? 'close' : bsse >= 1 ? 'leaner' : 'better',
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
      values: { cpu: jsonCpu },
      meaning: jsonCpu <= 1.1 ? 'floor' : 'ours',
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
      values: { txns: ours.txns, cpu, converge, dropped: ours.dropped },
      meaning: cpu <= 1.3 && converge <= 1.3 && ours.dropped === 0 ? 'keepsUp' : 'costs',
    })
  }
  if (ours && hocus) {
    const cpu = ratio(ours.serverCpuS, hocus.serverCpuS) ?? 0
    rows.push({
      id: 'yjs-hocuspocus',
      values: { cpu, converge: ratio(ours.convergeMs, hocus.convergeMs) ?? 0 },
      meaning: cpu <= 1 ? 'less' : 'more',
    })
  }

  const rtt = (stack: string) => run.rtt.find((r) => r.stack === stack)?.sender.p99Ms
  const chatRtt = ratio(rtt('Socket.IO chat'), rtt('Socket.IO library alone'))
  const chatMem = ratio(idle('Socket.IO chat server'), idle('Socket.IO, library alone'))
  if (chatRtt !== undefined && chatMem !== undefined) {
    rows.push({
      id: 'chat-sio',
      values: { rtt: chatRtt, memory: chatMem },
      meaning: chatRtt <= 1.5 ? 'little' : 'tail',
    })
  }
  return rows
}
