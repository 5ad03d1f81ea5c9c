export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

export { GET } from '@/features/compare/server/routes/stream'
