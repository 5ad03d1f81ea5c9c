/** The simulated market's listings: price to start from, yearly drift and volatility, and how often it trades. */
export interface Listing {
  symbol: string
  name: string
  open: number
  drift: number
  volatility: number
  /** Chance that the symbol ticks in a given market step: busy stocks tick more often. */
  activity: number
}

export const LISTINGS: readonly Listing[] = [
  { symbol: 'AAPL', name: 'Apple', open: 228.5, drift: 0.08, volatility: 0.28, activity: 0.9 },
  { symbol: 'MSFT', name: 'Microsoft', open: 431.2, drift: 0.09, volatility: 0.25, activity: 0.9 },
  { symbol: 'NVDA', name: 'NVIDIA', open: 138.9, drift: 0.15, volatility: 0.55, activity: 0.95 },
  { symbol: 'AMZN', name: 'Amazon', open: 197.4, drift: 0.1, volatility: 0.32, activity: 0.85 },
  { symbol: 'GOOGL', name: 'Alphabet', open: 171.6, drift: 0.08, volatility: 0.3, activity: 0.85 },
  {
    symbol: 'META',
    name: 'Meta Platforms',
    open: 562.1,
    drift: 0.1,
    volatility: 0.38,
    activity: 0.8,
  },
  { symbol: 'TSLA', name: 'Tesla', open: 251.3, drift: 0.05, volatility: 0.65, activity: 0.95 },
  {
    symbol: 'BRK.B',
    name: 'Berkshire Hathaway',
    open: 463.8,
    drift: 0.06,
    volatility: 0.16,
    activity: 0.5,
  },
  {
    symbol: 'JPM',
    name: 'JPMorgan Chase',
    open: 221.4,
    drift: 0.07,
    volatility: 0.22,
    activity: 0.7,
  },
  { symbol: 'V', name: 'Visa', open: 289.7, drift: 0.07, volatility: 0.2, activity: 0.6 },
  {
    symbol: 'JNJ',
    name: 'Johnson & Johnson',
    open: 158.2,
    drift: 0.04,
    volatility: 0.15,
    activity: 0.5,
  },
  { symbol: 'WMT', name: 'Walmart', open: 82.6, drift: 0.06, volatility: 0.18, activity: 0.6 },
  { symbol: 'XOM', name: 'Exxon Mobil', open: 118.3, drift: 0.03, volatility: 0.26, activity: 0.6 },
  { symbol: 'NFLX', name: 'Netflix', open: 702.5, drift: 0.1, volatility: 0.4, activity: 0.7 },
  {
    symbol: 'AMD',
    name: 'Advanced Micro Devices',
    open: 152.4,
    drift: 0.12,
    volatility: 0.5,
    activity: 0.85,
  },
  { symbol: 'INTC', name: 'Intel', open: 22.9, drift: -0.02, volatility: 0.45, activity: 0.7 },
  { symbol: 'DIS', name: 'Walt Disney', open: 96.1, drift: 0.04, volatility: 0.27, activity: 0.55 },
  { symbol: 'KO', name: 'Coca-Cola', open: 69.8, drift: 0.04, volatility: 0.14, activity: 0.45 },
  { symbol: 'BABA', name: 'Alibaba', open: 88.7, drift: 0.03, volatility: 0.42, activity: 0.65 },
  {
    symbol: 'TSM',
    name: 'Taiwan Semiconductor',
    open: 186.3,
    drift: 0.12,
    volatility: 0.38,
    activity: 0.75,
  },
]
