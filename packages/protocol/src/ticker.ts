import { z } from 'zod'
import { defineEventMap, type EventData } from './events.ts'

/** A ticker symbol: 1–8 upper-case letters, digits or dots (BRK.B). */
export const SymbolSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9.]{0,7}$/, 'must be 1–8 upper-case letters, digits or dots, e.g. AAPL')
export type TickerSymbol = z.infer<typeof SymbolSchema>

/** What the market lists: `GET /api/ticker/symbols`. */
export const SymbolInfoSchema = z.object({
  symbol: SymbolSchema,
  name: z.string(),
  /** Price at the start of the session, for the change figure. */
  open: z.number(),
})
export type SymbolInfo = z.infer<typeof SymbolInfoSchema>

export const SymbolListSchema = z.object({ symbols: z.array(SymbolInfoSchema) })
export type SymbolList = z.infer<typeof SymbolListSchema>

/** One price change. `seq` counts this symbol's ticks (1, 2, 3…), so a client can see a gap or a repeat. */
export const TickSchema = z.object({
  symbol: SymbolSchema,
  price: z.number(),
  /** Absolute change since the session open. */
  change: z.number(),
  /** Server clock, ms since the epoch (`performance.timeOrigin + performance.now()`). */
  ts: z.number(),
  seq: z.number().int().positive(),
})
export type Tick = z.infer<typeof TickSchema>

/** The latest price of a symbol, as a snapshot carries it (`seq` 0: it has not traded yet). */
export const QuoteSchema = TickSchema.extend({ seq: z.number().int().nonnegative() })
export type Quote = z.infer<typeof QuoteSchema>

/** First event of every stream. */
export const TickerHelloSchema = z.object({
  connectionId: z.string(),
  symbols: z.array(SymbolSchema),
  /** `resumed`: the missed ticks follow; `reset`: they are gone, a snapshot follows; `fresh`: no id was sent. */
  resume: z.enum(['fresh', 'resumed', 'reset']),
  heartbeatMs: z.number().int().positive(),
})
export type TickerHello = z.infer<typeof TickerHelloSchema>

/**
 * Current quotes. `reset: true` tells a resuming client that the ticks it missed are no longer
 * buffered: drop what it derived from the old sequence and start over from these prices.
 */
export const TickerSnapshotSchema = z.object({
  reset: z.boolean(),
  quotes: z.array(QuoteSchema),
})
export type TickerSnapshot = z.infer<typeof TickerSnapshotSchema>

/** Sent when a stream closes on purpose, so the client can tell why. */
export const TickerClosingSchema = z.object({
  reason: z.enum(['slow_consumer', 'shutdown']),
  message: z.string(),
})
export type TickerClosing = z.infer<typeof TickerClosingSchema>

/** Every event of `GET /api/ticker/stream`, by name. */
export const TickerEvents = defineEventMap({
  hello: TickerHelloSchema,
  snapshot: TickerSnapshotSchema,
  tick: TickSchema,
  closing: TickerClosingSchema,
})
export type TickerEventMap = typeof TickerEvents
export type TickerEventName = keyof TickerEventMap
export type TickerEventData<K extends TickerEventName> = EventData<TickerEventMap, K>

/** Query of `GET /api/ticker/stream`. Symbols are comma-separated. */
export const TickerStreamQuerySchema = z.object({
  symbols: z
    .string()
    .trim()
    .min(1, 'list at least one symbol, e.g. ?symbols=AAPL,MSFT')
    .transform((raw) => [...new Set(raw.split(',').map((s) => s.trim().toUpperCase()))])
    .pipe(z.array(SymbolSchema).max(50, 'at most 50 symbols per stream')),
  lastEventId: z.string().regex(/^\d+$/, 'must be a decimal event id').optional(),
})

/** Body of `POST /api/ticker/subscriptions`. */
export const SubscriptionChangeSchema = z
  .object({
    connectionId: z.string().min(1),
    add: z.array(SymbolSchema).max(50).default([]),
    remove: z.array(SymbolSchema).max(50).default([]),
  })
  .strict()
export type SubscriptionChange = z.input<typeof SubscriptionChangeSchema>

export const SubscriptionStateSchema = z.object({
  connectionId: z.string(),
  symbols: z.array(SymbolSchema),
})
export type SubscriptionState = z.infer<typeof SubscriptionStateSchema>

/** `GET /api/ticker/history?symbol=AAPL`: recent points for a chart to start from. */
export const TickerHistorySchema = z.object({
  symbol: SymbolSchema,
  points: z.array(z.object({ ts: z.number(), price: z.number() })),
})
export type TickerHistory = z.infer<typeof TickerHistorySchema>
