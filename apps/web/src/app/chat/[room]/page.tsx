import { ChatRoomPage, chatRoomMetadata } from '@/features/chat/components/chat-room-page'

export const generateMetadata = chatRoomMetadata
export default ChatRoomPage
