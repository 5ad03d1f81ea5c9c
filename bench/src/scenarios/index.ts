/**
 * The demos' benchmark scenarios, one line each (`pnpm remove-demo` deletes a demo's folder and
 * its lines). The run adds their rows beside the baselines', in this order. Their load-worker
 * parts are listed in ./tasks.ts.
 */
import type { Scenario } from '../harness/scenario.ts'
import { chat } from './chat/scenario.ts' // demo:chat
import { editor } from './editor/scenario.ts' // demo:editor
import { ticker } from './ticker/scenario.ts' // demo:ticker

export const SCENARIOS: readonly Scenario[] = [
  ticker, // demo:ticker
  chat, // demo:chat
  editor, // demo:editor
]
