/**
 * The demos' parts of the load worker (connectors, floods, tasks), one line each, beside the
 * scenarios of ./index.ts. Only the worker imports this list.
 */
import type { WorkerPart } from '../load/tasks.ts'
import { chatTasks } from './chat/tasks.ts' // demo:chat
import { editorTasks } from './editor/tasks.ts' // demo:editor
import { tickerTasks } from './ticker/tasks.ts' // demo:ticker

export const SCENARIO_TASKS: readonly WorkerPart[] = [
  tickerTasks, // demo:ticker
  chatTasks, // demo:chat
  editorTasks, // demo:editor
]
