import { faultsEnv } from './env.ts'
import { createFaultRegistry, type FaultRegistry } from '@duplex/faults'

// Next may load a route module more than once; the registry must be one per process, or a stream
// registered from one bundle would be invisible to the fault route of another.
const KEY = Symbol.for('duplex.web.faults')
type WithFaults = typeof globalThis & { [KEY]?: FaultRegistry }

/** The process's fault registry, configured from `FAULTS_*`. */
export function faultRegistry(): FaultRegistry {
  const g = globalThis as WithFaults
  return (g[KEY] ??= createFaultRegistryFromEnv())
}

function createFaultRegistryFromEnv(): FaultRegistry {
  const env = faultsEnv
  return createFaultRegistry({
    enabled: env.FAULTS_ENABLED,
    stallMs: env.FAULTS_STALL_MS,
    ratePoints: env.FAULTS_RATE_POINTS,
    rateSeconds: env.FAULTS_RATE_SECONDS,
  })
}
