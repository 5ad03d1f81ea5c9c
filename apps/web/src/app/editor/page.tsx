import {
  EditorIndexPage,
  editorIndexMetadata,
} from '@/features/editor/components/editor-index-page'

export const metadata = editorIndexMetadata
export default EditorIndexPage
