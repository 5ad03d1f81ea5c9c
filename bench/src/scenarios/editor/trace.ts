/** One edit of a text: insert `text` at `index`, or delete `length` characters there. */
export type TraceOp =
  | { kind: 'insert'; index: number; text: string }
  | { kind: 'delete'; index: number; length: number }

function createRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS =
  'the of and to in is that for it as with was on be by this are from at or an which'.split(' ')

/**
 * A seeded editing trace shaped like a person writing: mostly typing at the cursor, some
 * backspacing, now and then moving the cursor elsewhere. No published trace ships as an npm
 * package, so the bench generates one; the same seed gives the same trace.
 */
export function generateTrace(ops: number, seed = 42): { ops: TraceOp[]; finalLength: number } {
  const random = createRandom(seed)
  const trace: TraceOp[] = []
  let length = 0
  let cursor = 0
  let word = ''
  while (trace.length < ops) {
    const r = random()
    if (r < 0.05 && length > 0) {
      cursor = Math.floor(random() * (length + 1))
      continue
    }
    if (r < 0.15 && cursor > 0) {
      trace.push({ kind: 'delete', index: cursor - 1, length: 1 })
      cursor--
      length--
      continue
    }
    if (word === '')
      word = `${WORDS[Math.floor(random() * WORDS.length)] ?? 'x'}${random() < 0.08 ? '.\n' : ' '}`
    const ch = word[0] ?? ' '
    word = word.slice(1)
    trace.push({ kind: 'insert', index: cursor, text: ch })
    cursor++
    length++
  }
  return { ops: trace, finalLength: length }
}
