/**
 * mulberry32: a tiny, fast, well-distributed 32-bit PRNG; good enough for a simulation and seedable.
 * The ticker's market draws from it, and tests seed it wherever they need a repeatable sequence.
 */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
