export * from './sse.ts'
export * from './events.ts'
export * from './errors.ts'
export * from './ticker.ts' // demo:ticker
export * from './jobs.ts' // demo:progress
export * from './session.ts'
export * from './realtime.ts'
export * from './origin.ts'
export * from './faults.ts'
export * from './chat.ts' // demo:chat
export * from './collab.ts' // demo:editor
export * from './compare.ts' // demo:compare
