// Prefer the subpaths (`@duplex/testing/sse`, `/wait`…): `/services` loads pg and ioredis.
export * from './names.ts'
export * from './services.ts'
export * from './session.ts'
export * from './sse.ts'
export * from './wait.ts'
