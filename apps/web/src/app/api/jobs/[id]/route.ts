export const dynamic = 'force-dynamic'

export { GET, DELETE } from '@/features/progress/server/routes/job'
