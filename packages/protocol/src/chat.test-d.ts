import { describe, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import type {
  ClientAckSchemas,
  ClientEventName,
  ClientEventSchemas,
  ClientToServerEvents,
  SendMessage,
} from './chat.ts'

// Vitest's typecheck mode runs these: a broken expectation fails `pnpm test`.
type Payloads = { [E in ClientEventName]: Parameters<ClientToServerEvents[E]>[0] }
type Acks = {
  [E in ClientEventName]: Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0]
}

describe('ClientToServerEvents', () => {
  it('has exactly the events the server has schemas for', () => {
    expectTypeOf<keyof ClientToServerEvents>().toEqualTypeOf<ClientEventName>()
  })

  it('types each payload as its schema infers it', () => {
    expectTypeOf<Payloads>().toEqualTypeOf<{
      [E in ClientEventName]: z.infer<(typeof ClientEventSchemas)[E]>
    }>()
  })

  it('types each ack as its ack schema infers it', () => {
    expectTypeOf<Acks>().toEqualTypeOf<{
      [E in ClientEventName]: z.infer<(typeof ClientAckSchemas)[E]>
    }>()
  })

  it('refuses a payload without its required fields', () => {
    // @ts-expect-error `text` and `clientId` are required
    const partial: SendMessage = { roomId: 'general' }
    void partial
  })
})
