import {
  TYPING_EXPIRE_MS,
  type ChatError,
  type ChatMessage,
  type Member,
  type ReadReceipt,
} from '@duplex/protocol/chat'
import { mergeMessages, settleOutbox } from './message-merge.ts'

// The state of one room as `useChat` holds it, and every change to it, as a pure reducer.

/** A message the server has not stored yet, as far as this tab knows. */
export interface OutgoingMessage {
  clientId: string
  text: string
  /**
   * `queued`: waiting for the connection; `sending`: emitted, no ack yet; `waiting`: the server
   * could not store it yet (`unavailable`: a store it needs is down) and it is sent again on its
   * own after the server's `retryAfterMs`; `failed`: see `error`, retried only by the user.
   */
  status: 'queued' | 'sending' | 'waiting' | 'failed'
  error?: ChatError | { code: 'timeout'; message: string }
  createdAt: number
}

export interface TypingUser {
  userId: string
  userName: string
}

/** Something the user should read: why a message was refused, or that the room could not be joined. */
export interface ChatNotice {
  code: string
  /** The server's own words (English), kept for logs and tests; the page shows its own by `code`. */
  message: string
  /** When a retry may succeed, ms since the epoch: the page counts down to it. */
  retryAt?: number
}

export interface ChatState {
  joined: boolean
  /** True once the first join answered, so the page can tell "empty room" from "loading". */
  loaded: boolean
  messages: ChatMessage[]
  hasMore: boolean
  loadingOlder: boolean
  members: Member[]
  reads: Record<string, ReadReceipt>
  typing: Record<string, TypingUser & { until: number }>
  outbox: OutgoingMessage[]
  notice: ChatNotice | null
  /** Bumped whenever older messages were put in front, so the list can keep its scroll position. */
  prepended: number
}

export type ChatAction =
  | { type: 'reset' }
  | {
      type: 'joined'
      history: ChatMessage[]
      hasMore: boolean
      members: Member[]
      reads: ReadReceipt[]
    }
  | { type: 'recovered' }
  | { type: 'left' }
  | { type: 'messages'; messages: ChatMessage[]; hasMore?: boolean; older?: boolean }
  | { type: 'loading-older'; loading: boolean }
  | { type: 'members'; members: Member[] }
  | { type: 'read'; receipt: ReadReceipt }
  | { type: 'typing'; user: TypingUser; typing: boolean }
  | { type: 'expire-typing'; now: number }
  | { type: 'outbox'; clientId: string; patch: Partial<OutgoingMessage> | null }
  | { type: 'queue'; message: OutgoingMessage }
  | { type: 'notice'; notice: ChatNotice | null }

export const INITIAL_CHAT_STATE: ChatState = {
  joined: false,
  loaded: false,
  messages: [],
  hasMore: false,
  loadingOlder: false,
  members: [],
  reads: {},
  typing: {},
  outbox: [],
  notice: null,
  prepended: 0,
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'reset':
      return INITIAL_CHAT_STATE
    case 'joined': {
      const messages = mergeMessages(state.messages, action.history)
      const reads: Record<string, ReadReceipt> = {}
      for (const r of action.reads) reads[r.userId] = r
      return {
        ...state,
        joined: true,
        loaded: true,
        messages,
        // Keep "older exists" when we already hold older pages than the join returned.
        hasMore: state.loaded ? state.hasMore : action.hasMore,
        members: action.members,
        reads,
        outbox: settleOutbox(state.outbox, messages),
      }
    }
    case 'recovered':
      return { ...state, joined: true }
    case 'left':
      return { ...state, joined: false, typing: {} }
    case 'messages': {
      const messages = mergeMessages(state.messages, action.messages)
      // A new message ends its author's typing indicator without waiting for `typing: false`.
      const typing = { ...state.typing }
      if (!action.older) for (const m of action.messages) delete typing[m.userId]
      return {
        ...state,
        messages,
        typing,
        hasMore: action.hasMore ?? state.hasMore,
        outbox: settleOutbox(state.outbox, action.messages),
        prepended: action.older ? state.prepended + 1 : state.prepended,
      }
    }
    case 'loading-older':
      return { ...state, loadingOlder: action.loading }
    case 'members':
      return { ...state, members: action.members }
    case 'read': {
      const previous = state.reads[action.receipt.userId]
      if (previous && previous.messageId >= action.receipt.messageId) return state
      return { ...state, reads: { ...state.reads, [action.receipt.userId]: action.receipt } }
    }
    case 'typing': {
      const typing = { ...state.typing }
      if (action.typing)
        typing[action.user.userId] = { ...action.user, until: Date.now() + TYPING_EXPIRE_MS }
      else delete typing[action.user.userId]
      return { ...state, typing }
    }
    case 'expire-typing': {
      const entries = Object.entries(state.typing).filter(([, t]) => t.until > action.now)
      if (entries.length === Object.keys(state.typing).length) return state
      return { ...state, typing: Object.fromEntries(entries) }
    }
    case 'queue':
      return { ...state, outbox: [...state.outbox, action.message] }
    case 'outbox': {
      const { patch } = action
      return {
        ...state,
        outbox:
          patch === null
            ? state.outbox.filter((o) => o.clientId !== action.clientId)
            : state.outbox.map((o) => (o.clientId === action.clientId ? { ...o, ...patch } : o)),
      }
    }
    case 'notice':
      return { ...state, notice: action.notice }
  }
}
