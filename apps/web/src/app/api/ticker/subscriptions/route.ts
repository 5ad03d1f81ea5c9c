export { POST } from '@/features/ticker/server/routes/subscriptions'
