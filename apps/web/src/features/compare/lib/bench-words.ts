/**
 * The committed run's own words (bench/src writes English stack names and goal bases) as keys of
 * the messages, so the page says them in the reader's language. Anything a newer run adds that is
 * not known here comes back as `null`, and the page shows the run's own text.
 */

/** Stack names of bench/results → keys under `compare.stacks`. */
const STACKS: Record<string, string> = {
  'Next SSE route': 'nextSse',
  'B2 raw SSE': 'b2',
  'Socket.IO': 'sio',
  'B1 raw ws': 'b1',
  'B3 bare Next route': 'b3',
  'better-sse': 'betterSse',
  'Socket.IO room': 'sioRoom',
  'B1 raw ws (Yjs-sized binary)': 'b1Binary',
  'Yjs relay': 'yjsRelay',
  'Socket.IO, library alone': 'sioAlone',
  'Socket.IO library alone': 'sioAlone',
  'Socket.IO chat server': 'chatServer',
  'Socket.IO chat': 'chat',
  'B1 raw ws echo': 'b1Echo',
  'Duplex web, GET /api/health': 'health',
  'Duplex web, the ticker symbols list': 'symbols',
}

export function stackKey(stack: string): string | null {
  return STACKS[stack] ?? null
}

/** A goal's basis as a message key under `compare.basis` and its values. */
export interface BasisWords {
  key: string
  values: Record<string, string | number>
}

const BASES: [RegExp, (m: RegExpExecArray) => BasisWords][] = [
  [
    /^N=(\d+), open-ended(, clients saturated ⚠)?$/,
    (m) => ({ key: m[2] ? 'openSaturated' : 'open', values: { n: Number(m[1]) } }),
  ],
  [
    /^N=(\d+), fixed (\d+) msg\/s$/,
    (m) => ({ key: 'fixed', values: { n: Number(m[1]), rate: Number(m[2]) } }),
  ],
  [/^N=(\d+)$/, (m) => ({ key: 'n', values: { n: Number(m[1]) } })],
  [/^(\d+) round trips$/, (m) => ({ key: 'roundTrips', values: { count: Number(m[1]) } })],
  [
    /^(GET \S+), (\d+) connections, (\d+) vs (\d+) requests$/,
    (m) => ({
      key: 'requests',
      values: {
        route: m[1] ?? '',
        connections: Number(m[2]),
        ours: Number(m[3]),
        theirs: Number(m[4]),
      },
    }),
  ],
  [
    /^(\S+), (\d+) txns, (\d+) observer\(s\)$/,
    (m) => ({
      key: 'trace',
      values: { trace: m[1] ?? '', txns: Number(m[2]), observers: Number(m[3]) },
    }),
  ],
  [/^(\d+) replays$/, (m) => ({ key: 'replays', values: { count: Number(m[1]) } })],
  [/^(\d+) expected deliveries$/, (m) => ({ key: 'deliveries', values: { count: Number(m[1]) } })],
  [/^counts zero after (\d+) ms$/, (m) => ({ key: 'countsZero', values: { ms: Number(m[1]) } })],
]

export function basisWords(basis: string): BasisWords | null {
  for (const [pattern, words] of BASES) {
    const match = pattern.exec(basis)
    if (match) return words(match)
  }
  return null
}
