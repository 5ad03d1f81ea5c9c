import { TickerPage, tickerMetadata } from '@/features/ticker/components/ticker-page'

export const metadata = tickerMetadata
export default TickerPage
