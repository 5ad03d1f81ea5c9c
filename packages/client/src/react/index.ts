// Hooks
export * from './use-event-stream.ts'
export * from './use-message-rate.ts'
