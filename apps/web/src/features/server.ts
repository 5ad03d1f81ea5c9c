import { SESSION_MIGRATIONS } from '@duplex/auth/cluster'
import type { DependencyState, ReadinessReport } from '@duplex/cluster'
import { startServices } from '@/shared/server/lifecycle'
import { services, type WebFeature } from '@/shared/server/services'
import { compare } from './compare/server/feature.ts' // demo:compare
import { progress } from './progress/server/feature.ts' // demo:progress
import { ticker } from './ticker/server/feature.ts' // demo:ticker

/**
 * The composition root: every feature's server part, one per line, in the order `/api/health`
 * lists what they report. Removing a demo is deleting its import and its line.
 */
// prettier-ignore
const FEATURES: readonly WebFeature[] = [
  ticker, // demo:ticker
  progress, // demo:progress
  compare, // demo:compare
]

/**
 * Called once from instrumentation.ts, before the server takes requests. The shared migrations
 * are tables more than one owner uses: the signed-out sessions (the realtime server lists them
 * too).
 */
export function start(): Promise<void> {
  return startServices(FEATURES, SESSION_MIGRATIONS)
}

/**
 * The body of `GET /api/health`: the process's state, its dependencies (reported, not judged:
 * liveness stays `ok` while Redis is away), then what each feature reports.
 */
export async function health(): Promise<Record<string, unknown>> {
  const app = services()
  const { dependencies } = await app.readiness.check()
  const report: Record<string, unknown> = {
    status: app.draining() ? 'draining' : 'ok',
    uptimeSeconds: Math.round(process.uptime()),
    mode: app.mode,
    instanceId: app.instanceId,
    dependencies,
  }
  for (const feature of FEATURES) Object.assign(report, app.use(feature).health?.())
  report.openStreams = app.heartbeat.size
  return report
}

/**
 * The body of `GET /api/ready`: `ok` when every dependency is up, `unavailable` naming the one
 * that is down, `draining` from the first SIGTERM on.
 */
export async function readiness(): Promise<
  ReadinessReport | { status: 'draining'; dependencies: Record<string, DependencyState> }
> {
  const app = services()
  const report = await app.readiness.check()
  return app.draining() ? { ...report, status: 'draining' } : report
}
