// Faults act on this process's open streams: never prerender or cache this route.
export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

export { GET, POST } from '@/shared/server/routes/faults'
