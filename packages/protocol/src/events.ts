import type { z } from 'zod'

/**
 * An SSE event map: event name → zod schema of its `data` JSON. Each stream in Duplex
 * declares one, and both ends use it: the route handler to type what it sends, the
 * client manager to type `on(name, handler)` and to validate what arrives.
 *
 * @example
 * const TickerEvents = defineEventMap({ tick: TickSchema, hello: HelloSchema })
 * type Tick = EventData<typeof TickerEvents, 'tick'>
 */
export type EventMap = Record<string, z.ZodType>

/** Keeps the literal keys and schemas of an event map while checking its shape. */
export function defineEventMap<const M extends EventMap>(map: M): M {
  return map
}

/** The type of one event's data, inferred from its schema. */
export type EventData<M extends EventMap, K extends keyof M> = z.infer<M[K]>

/** Names of the events in a map, as a string union. */
export type EventName<M extends EventMap> = Extract<keyof M, string>
