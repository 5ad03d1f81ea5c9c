// Server-only: what apps/web and apps/realtime both need to run as one of several instances.
export * from './client-address.ts'
export * from './env.ts'
export * from './instance-id.ts'
export * from './mode.ts'
export * from './redact-url.ts'
export * from './redis.ts'
export * from './unavailable.ts'
export * from './postgres.ts'
