import { ProgressPage, progressMetadata } from '@/features/progress/components/progress-page'

export const metadata = progressMetadata
export default ProgressPage
