import { ChatLobbyPage, chatLobbyMetadata } from '@/features/chat/components/chat-lobby-page'

export const generateMetadata = chatLobbyMetadata
export default ChatLobbyPage
