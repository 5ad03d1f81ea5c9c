import { z } from 'zod'
import { SessionUserSchema, UserIdSchema, UserNameSchema } from './session.ts'

// ---------------------------------------------------------------------------
// Identifiers and limits
// ---------------------------------------------------------------------------

/** A room id is a slug: 1–40 lower-case letters, digits or dashes (`general`, `team-42`). */
export const RoomIdSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,40}$/, 'must be 1–40 lower-case letters, digits or dashes, e.g. general')
export type RoomId = z.infer<typeof RoomIdSchema>

/** The room every install starts with. */
export const DEFAULT_ROOM_ID = 'general'

/**
 * Longest room name, in grapheme clusters (what a reader counts as one character: `é`, `设`,
 * `👩🏽‍💻` are one each). Pages say so next to the name field.
 */
export const ROOM_NAME_MAX_GRAPHEMES = 64

/** Longest slug the server derives from a name; leaves room for a `-2` suffix within 40. */
const ROOM_SLUG_BASE_MAX = 32

/**
 * Grapheme clusters in `text`, the way {@link ROOM_NAME_MAX_GRAPHEMES} counts them.
 *
 * @example
 * graphemeLength('👩🏽‍💻 café') // 6
 */
export function graphemeLength(text: string): number {
  let length = 0
  for (const _ of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) length++
  return length
}

/** Bidi embeddings, overrides and isolates: they would reorder what is around a name. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u

/**
 * A room's name exactly as its creator typed it: any script, emoji and punctuation, 1 to
 * {@link ROOM_NAME_MAX_GRAPHEMES} grapheme clusters. Nothing is changed: a name that is too long,
 * blank, starts or ends with a space, or holds control characters is refused, never trimmed or cut.
 *
 * @example
 * RoomNameSchema.parse('ÜBER café') // 'ÜBER café'
 * RoomNameSchema.parse('设计评审') // '设计评审'
 */
export const RoomNameSchema = z
  .string()
  .refine((name) => name.trim().length > 0, 'must not be empty')
  .refine((name) => name.trim() === name, 'must not start or end with a space')
  .refine((name) => graphemeLength(name) <= ROOM_NAME_MAX_GRAPHEMES, {
    message: `must be at most ${ROOM_NAME_MAX_GRAPHEMES} characters`,
  })
  .refine((name) => !/\p{Cc}/u.test(name) && !BIDI_CONTROLS.test(name), {
    message: 'must not contain control characters',
  })
export type RoomName = z.infer<typeof RoomNameSchema>

/**
 * The slug the server tries first for a new room named `name`: Latin letters lose their accents
 * (`ÜBER café` → `uber-cafe`), anything else that is not a letter or digit becomes a dash, and a
 * name with nothing left (`设计评审`, `🎉`) gets `room`. The server adds `-2`, `-3`… when the
 * slug is taken; the room's name stays exactly what was typed, whatever its slug.
 *
 * @example
 * roomSlugBase('../etc') // 'etc'
 */
export function roomSlugBase(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ROOM_SLUG_BASE_MAX)
    .replace(/-+$/, '')
  return slug === '' ? 'room' : slug
}

/**
 * Server-assigned message id: one global sequence (1, 2, 3…) shared by all rooms, so within a
 * room ids only grow and `before` is a plain cursor. Ids of one room are not contiguous.
 */
export const MessageIdSchema = z.number().int().positive()
export type MessageId = z.infer<typeof MessageIdSchema>

/**
 * A message's number within its room: the first message of every room is 1, then 2, 3… This is
 * what pages show (`#1`); {@link MessageIdSchema} stays the cursor.
 */
export const MessageSeqSchema = z.number().int().positive()
export type MessageSeq = z.infer<typeof MessageSeqSchema>

/**
 * Chosen by the sender once per message (a UUID is fine) and sent again on every retry, so the
 * server can store a message once even when an ack was lost and the client sends it again.
 */
export const ClientMessageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -, e.g. a UUID')
export type ClientMessageId = z.infer<typeof ClientMessageIdSchema>

/** Default longest message, in characters; the server's `CHAT_MAX_LENGTH` may differ. */
export const CHAT_MAX_LENGTH_DEFAULT = 2000

/** Messages `join-room` returns, and `load-history` when no `limit` is given. */
export const CHAT_HISTORY_PAGE = 50

/** Largest `limit` `load-history` accepts. */
export const CHAT_HISTORY_MAX_PAGE = 100

/** Rooms one `list-rooms` answer carries when no `limit` is given. */
export const CHAT_ROOMS_PAGE = 100

/** Largest `limit` `list-rooms` accepts. */
export const CHAT_ROOMS_MAX_PAGE = 200

/**
 * Length of a message as the server counts it against `CHAT_MAX_LENGTH`: code points, so an
 * emoji counts once. Clients should count the same way before sending.
 */
export function chatTextLength(text: string): number {
  let length = 0
  // Iterating a string walks code points, not UTF-16 units.
  for (const _ of text) length++
  return length
}

/** A client sends `typing: true` at most this often while the user keeps typing. */
export const TYPING_THROTTLE_MS = 2000

/**
 * A client hides someone's typing indicator this long after their last `typing: true`, even if
 * `typing: false` never arrives (closed tab, lost packet). Longer than the throttle, with slack.
 */
export const TYPING_EXPIRE_MS = 5000

// ---------------------------------------------------------------------------
// Errors and acks
// ---------------------------------------------------------------------------

/** Why the server refused a chat event. */
export const ChatErrorCode = {
  /** The payload failed its schema; the message names the field. */
  invalid: 'invalid',
  /** Too many events of this kind in the window; the message says when to retry. */
  rateLimited: 'rate_limited',
  /** A server-wide bound is reached (e.g. `CHAT_MAX_ROOMS`); retrying will not help soon. */
  limitReached: 'limit_reached',
  /** The text is longer than `CHAT_MAX_LENGTH`. */
  tooLarge: 'too_large',
  /** The event names a room this socket has not joined. */
  notInRoom: 'not_in_room',
  /** `join-room` with `create: false` named a room that does not exist. */
  notFound: 'not_found',
  /** No valid session (handshake refusals carry it in the `connect_error` message). */
  unauthorized: 'unauthorized',
  /**
   * A store the server needs (the database, Redis) is down: nothing was stored. Retry after
   * `retryAfterMs`; the page's outbox keeps the message and does so on its own.
   */
  unavailable: 'unavailable',
  /** The server failed; the request may be retried. */
  internal: 'internal',
} as const
export type ChatErrorCode = (typeof ChatErrorCode)[keyof typeof ChatErrorCode]
export const ChatErrorCodeSchema = z.enum([
  'invalid',
  'rate_limited',
  'limit_reached',
  'too_large',
  'not_in_room',
  'not_found',
  'unauthorized',
  'unavailable',
  'internal',
])

export const ChatErrorSchema = z.object({
  code: ChatErrorCodeSchema,
  message: z.string(),
  /** When a retry may succeed, in ms (`rate_limited`, `unavailable`). */
  retryAfterMs: z.number().int().nonnegative().optional(),
})
export type ChatError = z.infer<typeof ChatErrorSchema>

/** Every refused request is acked with `{ ok: false, error: { code, message } }`. */
export const AckErrorSchema = z.object({
  ok: z.literal(false),
  error: ChatErrorSchema,
})
export type AckError = z.infer<typeof AckErrorSchema>

/**
 * The ack schema of one request: `{ ok: true, ...result }` or an {@link AckError}.
 *
 * @example
 * const SendMessageAckSchema = ackSchema({ message: ChatMessageSchema })
 * type SendMessageAck = z.infer<typeof SendMessageAckSchema>
 */
export function ackSchema<const S extends z.ZodRawShape>(shape: S) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true) }).extend(shape),
    AckErrorSchema,
  ])
}

// ---------------------------------------------------------------------------
// What the server stores and sends
// ---------------------------------------------------------------------------

/** A stored message, exactly as `room-message` and the history carry it. */
export const ChatMessageSchema = z.object({
  id: MessageIdSchema,
  /** Its number within the room (1 for a room's first message). */
  seq: MessageSeqSchema,
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  userName: UserNameSchema,
  text: z.string(),
  /** Server clock when it stored the message, ms since the epoch. */
  ts: z.number(),
  clientId: ClientMessageIdSchema,
})
export type ChatMessage = z.infer<typeof ChatMessageSchema>

/** One user in a room, however many tabs they have open. */
export const MemberSchema = z.object({
  userId: UserIdSchema,
  userName: UserNameSchema,
})
export type Member = z.infer<typeof MemberSchema>

/** The last message a user has read in a room. */
export const ReadReceiptSchema = z.object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  userName: UserNameSchema,
  messageId: MessageIdSchema,
})
export type ReadReceipt = z.infer<typeof ReadReceiptSchema>

export const RoomSchema = z.object({
  /** The room's slug, for URLs and every event: derived by the server, never edited by hand. */
  id: RoomIdSchema,
  /** The name as its creator typed it (rooms made by id are named by it, e.g. `general`). */
  name: RoomNameSchema,
  /** ms since the epoch. */
  createdAt: z.number(),
  /** Users with at least one socket in the room right now. */
  online: z.number().int().nonnegative(),
})
export type Room = z.infer<typeof RoomSchema>

/** `user-joined` / `user-left`: a user's first tab joined, or their last tab left. */
export const UserJoinedSchema = z.object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  userName: UserNameSchema,
})
export type UserJoined = z.infer<typeof UserJoinedSchema>
export const UserLeftSchema = UserJoinedSchema
export type UserLeft = z.infer<typeof UserLeftSchema>

/** `presence`: the full member list of a room, sent whenever it changes. */
export const PresenceSchema = z.object({
  roomId: RoomIdSchema,
  members: z.array(MemberSchema),
})
export type Presence = z.infer<typeof PresenceSchema>

/** `user-typing`: relayed as sent; clients expire it after {@link TYPING_EXPIRE_MS}. */
export const UserTypingSchema = z.object({
  roomId: RoomIdSchema,
  userId: UserIdSchema,
  userName: UserNameSchema,
  typing: z.boolean(),
})
export type UserTyping = z.infer<typeof UserTypingSchema>

// ---------------------------------------------------------------------------
// Requests (client → server) and their acks
// ---------------------------------------------------------------------------

/**
 * `join-room`: creates the room if it does not exist yet, unless `create` is `false`: then an
 * unknown room is refused `not_found` (the page does that, so visiting a URL never makes a room;
 * it offers a button that sends `create-room`). Joining twice is harmless.
 */
export const JoinRoomSchema = z.object({ roomId: RoomIdSchema, create: z.boolean().optional() })
export type JoinRoom = z.infer<typeof JoinRoomSchema>
export const JoinRoomAckSchema = ackSchema({
  /** The room joined, with its name. */
  room: RoomSchema,
  /** The latest {@link CHAT_HISTORY_PAGE} messages, oldest first. */
  history: z.array(ChatMessageSchema),
  /** Whether older messages exist (page with `load-history`). */
  hasMore: z.boolean(),
  members: z.array(MemberSchema),
  /** Each user's last read message in this room. */
  reads: z.array(ReadReceiptSchema),
})
export type JoinRoomAck = z.infer<typeof JoinRoomAckSchema>

/** `leave-room`: leaving a room one is not in is acked `ok` too, so a retry is safe. */
export const LeaveRoomSchema = z.object({ roomId: RoomIdSchema })
export type LeaveRoom = z.infer<typeof LeaveRoomSchema>
export const LeaveRoomAckSchema = ackSchema({})
export type LeaveRoomAck = z.infer<typeof LeaveRoomAckSchema>

/**
 * `send-message`. The ack carries the stored message; a retry with the same `clientId` acks the
 * message stored the first time instead of storing a second one, and broadcasts it again (the
 * first broadcast may have been lost with its server). So `room-message` is at-least-once:
 * clients keep messages by `id`. A retry costs a rate-limit point like a new message.
 */
export const SendMessageSchema = z.object({
  roomId: RoomIdSchema,
  text: z.string().refine((text) => text.trim().length > 0, 'must not be empty'),
  clientId: ClientMessageIdSchema,
})
export type SendMessage = z.infer<typeof SendMessageSchema>
export const SendMessageAckSchema = ackSchema({ message: ChatMessageSchema })
export type SendMessageAck = z.infer<typeof SendMessageAckSchema>

/** `load-history`: messages older than `before` (all, when absent), oldest first. */
export const LoadHistorySchema = z.object({
  roomId: RoomIdSchema,
  before: MessageIdSchema.optional(),
  limit: z.number().int().min(1).max(CHAT_HISTORY_MAX_PAGE).optional(),
})
export type LoadHistory = z.infer<typeof LoadHistorySchema>
export const LoadHistoryAckSchema = ackSchema({
  messages: z.array(ChatMessageSchema),
  hasMore: z.boolean(),
})
export type LoadHistoryAck = z.infer<typeof LoadHistoryAckSchema>

/** `typing`: send `true` at most every {@link TYPING_THROTTLE_MS}, and `false` on send or blur. */
export const TypingSchema = z.object({
  roomId: RoomIdSchema,
  typing: z.boolean(),
})
export type Typing = z.infer<typeof TypingSchema>
export const TypingAckSchema = ackSchema({})
export type TypingAck = z.infer<typeof TypingAckSchema>

/** `mark-read`: read receipts only move forward; an older id is acked and ignored. */
export const MarkReadSchema = z.object({
  roomId: RoomIdSchema,
  messageId: MessageIdSchema,
})
export type MarkRead = z.infer<typeof MarkReadSchema>
export const MarkReadAckSchema = ackSchema({})
export type MarkReadAck = z.infer<typeof MarkReadAckSchema>

/**
 * `list-rooms`: rooms oldest first, one page at a time ({@link CHAT_ROOMS_PAGE} unless `limit`
 * says otherwise). `{}` gets the first page; `after` (the last room id of a page) the next one.
 */
export const ListRoomsSchema = z
  .object({
    after: RoomIdSchema.optional(),
    limit: z.number().int().min(1).max(CHAT_ROOMS_MAX_PAGE).optional(),
  })
  .optional()
export type ListRooms = z.infer<typeof ListRoomsSchema>
export const ListRoomsAckSchema = ackSchema({
  rooms: z.array(RoomSchema),
  /** Whether rooms after the last one exist (ask again with `after`). */
  hasMore: z.boolean(),
})
export type ListRoomsAck = z.infer<typeof ListRoomsAckSchema>

/**
 * `create-room`, by slug (`{ roomId }`, the room is named by it) or by name (`{ name }`, the
 * server derives a unique slug: see {@link roomSlugBase}). Creating an existing room (the same
 * slug, or the same name) is not an error: the ack carries it with `created: false`.
 *
 * @example
 * await socket.emitWithAck('create-room', { name: 'ÜBER café' }) // room.id 'uber-cafe'
 */
export const CreateRoomSchema = z.union([
  z.object({ roomId: RoomIdSchema }).strict(),
  z.object({ name: RoomNameSchema }).strict(),
])
export type CreateRoom = z.infer<typeof CreateRoomSchema>
export const CreateRoomAckSchema = ackSchema({ room: RoomSchema, created: z.boolean() })
export type CreateRoomAck = z.infer<typeof CreateRoomAckSchema>

// ---------------------------------------------------------------------------
// Socket.IO event maps
// ---------------------------------------------------------------------------

/** The payload schema of every client → server event, by name: the server validates with these. */
export const ClientEventSchemas = {
  'join-room': JoinRoomSchema,
  'leave-room': LeaveRoomSchema,
  'send-message': SendMessageSchema,
  'load-history': LoadHistorySchema,
  typing: TypingSchema,
  'mark-read': MarkReadSchema,
  'list-rooms': ListRoomsSchema,
  'create-room': CreateRoomSchema,
} as const
export type ClientEventName = keyof typeof ClientEventSchemas

/** The ack schema of every client → server event, by name: clients may validate acks with these. */
export const ClientAckSchemas = {
  'join-room': JoinRoomAckSchema,
  'leave-room': LeaveRoomAckSchema,
  'send-message': SendMessageAckSchema,
  'load-history': LoadHistoryAckSchema,
  typing: TypingAckSchema,
  'mark-read': MarkReadAckSchema,
  'list-rooms': ListRoomsAckSchema,
  'create-room': CreateRoomAckSchema,
} as const satisfies Record<ClientEventName, z.ZodType>

/**
 * Events a client emits. Each takes its payload and an ack callback.
 *
 * @example
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } })
 * const ack = await socket.emitWithAck('send-message', { roomId: 'general', text: 'hi', clientId })
 * if (!ack.ok) console.warn(ack.error.code)
 */
export interface ClientToServerEvents {
  'join-room': (payload: JoinRoom, ack: (res: JoinRoomAck) => void) => void
  'leave-room': (payload: LeaveRoom, ack?: (res: LeaveRoomAck) => void) => void
  'send-message': (payload: SendMessage, ack: (res: SendMessageAck) => void) => void
  'load-history': (payload: LoadHistory, ack: (res: LoadHistoryAck) => void) => void
  typing: (payload: Typing, ack?: (res: TypingAck) => void) => void
  'mark-read': (payload: MarkRead, ack?: (res: MarkReadAck) => void) => void
  'list-rooms': (payload: ListRooms, ack: (res: ListRoomsAck) => void) => void
  'create-room': (payload: CreateRoom, ack: (res: CreateRoomAck) => void) => void
}

/**
 * Events the server emits. `room-message` goes to everyone in the room except the sending socket
 * (which gets the message in its ack), so other tabs of the sender still see it.
 */
export interface ServerToClientEvents {
  'room-message': (message: ChatMessage) => void
  'user-joined': (event: UserJoined) => void
  'user-left': (event: UserLeft) => void
  presence: (event: Presence) => void
  'user-typing': (event: UserTyping) => void
  'read-receipt': (event: ReadReceipt) => void
  'room-created': (room: Room) => void
}

/**
 * Events between the realtime instances of a cluster (Socket.IO's `serverSideEmit`), never seen
 * by a client.
 */
export interface InterServerEvents {
  /**
   * An instance whose Redis came back after an outage (`since`, ms since the epoch) asks every
   * other instance to re-send its own sockets, from the database, the messages of their rooms
   * stored since then: meanwhile that instance delivered its messages to its own sockets only.
   */
  'missed-messages': (request: { since: number }) => void
}

/** What the server keeps on each socket after the handshake. */
export const SocketDataSchema = z.object({ user: SessionUserSchema })
export type SocketData = z.infer<typeof SocketDataSchema>
