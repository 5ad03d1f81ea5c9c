export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

export { POST } from '@/features/ticker/server/routes/bench'
