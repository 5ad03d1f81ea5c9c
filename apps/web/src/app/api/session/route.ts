export const runtime = 'nodejs'

export { GET, POST, DELETE } from '@/shared/server/routes/session'
