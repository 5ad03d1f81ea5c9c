import { describe, expectTypeOf, it } from 'vitest'
import { readSse, type SseEvent } from './sse.ts'
import { waitFor } from './wait.ts'

// Vitest's typecheck mode runs these: a broken expectation fails `pnpm test`.
describe('waitFor', () => {
  it('resolves with the truthy part of what the check returns', () => {
    const find = (): { id: string } | undefined => undefined
    expectTypeOf(waitFor(find)).resolves.toEqualTypeOf<{ id: string }>()
    expectTypeOf(waitFor(async () => 0 as number | null)).resolves.toEqualTypeOf<number>()
  })

  it('takes a message or options, nothing else', () => {
    // @ts-expect-error a bare number is not a timeout: say { timeoutMs }
    void waitFor(() => true, 5000)
  })
})

describe('readSse', () => {
  it('types JSON data by the schema it is checked with', () => {
    const stream = readSse(null)
    expectTypeOf(stream.json('tick', { parse: (data) => data as { seq: number } })).toEqualTypeOf<
      { seq: number }[]
    >()
    expectTypeOf(stream.json('tick')).toEqualTypeOf<unknown[]>()
    expectTypeOf(stream.next()).resolves.toEqualTypeOf<SseEvent>()
  })
})
