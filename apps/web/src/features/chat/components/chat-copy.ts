/** The words at the top of the chat pages, shared by the lobby and each room. */
export const CHAT_LEDE =
  'Rooms with history, presence, typing indicators and read receipts over one Socket.IO connection. Every request is acknowledged, so a message only shows as sent once the server has stored it.'

export const CHAT_WHY = [
  'Both directions: messages, typing, read receipts.',
  'Many small messages that must arrive fast.',
  'Acks, rooms and reconnect recovery from Socket.IO.',
]
