// Streams are long-lived and per-request: never prerender or cache this route.
export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

export { GET } from '@/features/ticker/server/routes/stream'
