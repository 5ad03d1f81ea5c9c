export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

export { POST } from '@/features/compare/server/routes/echo'
