import { defineEventMap } from '@duplex/protocol/events'
import { EventSource as NodeEventSource } from 'eventsource'
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  createEventStream,
  type EventMeta,
  type EventSourceConstructor,
  type EventStream,
} from './event-stream.ts'

const TestEvents = defineEventMap({
  tick: z.object({ n: z.number() }),
  note: z.object({ text: z.string() }),
})

// Vitest's typecheck mode runs these: a broken expectation fails `pnpm test`.
describe('createEventStream', () => {
  it('types handlers from the event map', () => {
    const s = createEventStream({ url: '/stream', events: TestEvents })
    expectTypeOf(s).toEqualTypeOf<EventStream<typeof TestEvents>>()
    s.on('tick', (data, meta) => {
      expectTypeOf(data).toEqualTypeOf<{ n: number }>()
      expectTypeOf(meta).toEqualTypeOf<EventMeta<'tick'>>()
      // @ts-expect-error `text` belongs to `note`, not `tick`
      void data.text
    })
    // @ts-expect-error not an event of this map
    s.on('nope', () => {})
    expectTypeOf(s.on).parameter(0).toEqualTypeOf<'tick' | 'note'>()
  })

  it('takes the browser EventSource and the eventsource package alike', () => {
    expectTypeOf(globalThis.EventSource).toExtend<EventSourceConstructor>()
    expectTypeOf(NodeEventSource).toExtend<EventSourceConstructor>()
  })
})
