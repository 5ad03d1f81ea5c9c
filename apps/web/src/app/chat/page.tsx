import { ChatLobbyPage, chatLobbyMetadata } from '@/features/chat/components/chat-lobby-page'

export const metadata = chatLobbyMetadata
export default ChatLobbyPage
