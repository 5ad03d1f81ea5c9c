export const dynamic = 'force-dynamic'
export const runtime = 'nodejs'

export { GET } from '@/features/progress/server/routes/job-events'
