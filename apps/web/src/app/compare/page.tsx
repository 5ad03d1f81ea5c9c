import { ComparePage, compareMetadata } from '@/features/compare/components/compare-page'

export const generateMetadata = compareMetadata
// The committed results are read at request time, so a new `pnpm bench` run shows without a rebuild.
export const dynamic = 'force-dynamic'
export default ComparePage
