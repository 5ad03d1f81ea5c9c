// Event streams
export * from './event-stream.ts'
export * from './wire-tap.ts'

// Helpers
export * from './backoff.ts'
export * from './last-event-id-url.ts'
export * from './rate-meter.ts'
