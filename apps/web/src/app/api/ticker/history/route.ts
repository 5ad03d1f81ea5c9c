export const dynamic = 'force-dynamic'

export { GET } from '@/features/ticker/server/routes/history'
