import {
  runSocketIo,
  runSse,
  type LegProgress,
  type LegSetup,
  type TransportId,
} from './transports'
import { runYjs } from './yjs-leg' // demo:editor

/** How each transport's leg runs, by id. */
export const LEGS: Record<TransportId, (setup: LegSetup, progress: LegProgress) => Promise<void>> =
  {
    sse: runSse,
    socketio: runSocketIo,
    yjs: runYjs, // demo:editor
  }
