import { EditorLayout } from '@/features/editor/components/editor-layout'

export default EditorLayout
