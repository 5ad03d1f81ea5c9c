import type { RealtimeFeature } from '../shared/feature.ts'
import { chat } from './chat/feature.ts' // demo:chat
import { collab } from './collab/feature.ts' // demo:editor
import { compare } from './compare/feature.ts' // demo:compare

// The features the server runs, one line each. Removing one: delete its folder, its import line
// and its list entry, and add it to src/shared/storage/retired-features.ts (its tables go).
// Order matters only for shutdown: features stop in reverse order.

// One entry per line, so removing a feature is deleting a line (prettier would join them).
// prettier-ignore
export const features: readonly RealtimeFeature[] = [
  chat, // demo:chat
  collab, // demo:editor
  compare, // demo:compare
]
