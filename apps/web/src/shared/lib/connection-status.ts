/** The state of a live connection, shared by every transport (y-websocket's names, plus `reconnecting`). */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed'
