import { EditorDocPage, editorDocMetadata } from '@/features/editor/components/editor-doc-page'

export const generateMetadata = editorDocMetadata
export default EditorDocPage
