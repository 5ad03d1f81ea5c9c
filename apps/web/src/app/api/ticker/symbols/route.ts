export { GET } from '@/features/ticker/server/routes/symbols'
