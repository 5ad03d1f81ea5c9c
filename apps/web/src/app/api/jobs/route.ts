export const dynamic = 'force-dynamic'

export { GET, POST } from '@/features/progress/server/routes/jobs'
