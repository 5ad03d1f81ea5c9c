import { services, type WebFeature, type WebFeatureServer } from '@/shared/server/services'
import { createEchoHub, type EchoHub } from './echo-hub.ts'
import { compareEnv } from './env.ts'

export interface CompareServer extends WebFeatureServer {
  /** The SSE leg of /compare: one short-lived stream per live comparison. */
  hub: EchoHub
}

/** /compare's server part. Its streams last one run each; a shutdown leaves them to end. */
export const compare: WebFeature<CompareServer> = {
  name: 'compare',
  create: ({ heartbeat }) => ({
    hub: createEchoHub({
      heartbeat,
      maxPerUser: compareEnv.COMPARE_MAX_STREAMS_PER_USER,
      maxTotal: compareEnv.COMPARE_MAX_STREAMS,
    }),
    drain: async () => {},
  }),
}

/** The echo hub of this process, for the route handlers. */
export function compareServer(): CompareServer {
  return services().use(compare)
}
