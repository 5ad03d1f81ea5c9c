import { TickerPage, tickerMetadata } from '@/features/ticker/components/ticker-page'

export const generateMetadata = tickerMetadata
export default TickerPage
