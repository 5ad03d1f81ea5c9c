import { ChatLayout } from '@/features/chat/components/chat-layout'

export default ChatLayout
