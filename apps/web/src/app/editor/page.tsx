import {
  EditorIndexPage,
  editorIndexMetadata,
} from '@/features/editor/components/editor-index-page'

export const generateMetadata = editorIndexMetadata
export default EditorIndexPage
