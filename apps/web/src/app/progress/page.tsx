import { ProgressPage, progressMetadata } from '@/features/progress/components/progress-page'

export const generateMetadata = progressMetadata
export default ProgressPage
