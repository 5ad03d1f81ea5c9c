import { defineFeature } from '../../shared/feature.ts'
import { attachCompareEcho, type CompareServer } from './compare-echo.ts'

/** The /compare page's Socket.IO leg: `compare-echo`, answered by its ack. No tables. */
export const compare = defineFeature({
  name: 'compare',
  attach({ io, metrics, log }) {
    // The shared server carries no event types; these are compare's (see SharedSocketServer).
    attachCompareEcho(io as unknown as CompareServer, { metrics, log })
    return { stop: async () => undefined }
  },
})
