'use client'

import {
  CHAT_HISTORY_MAX_PAGE,
  CHAT_HISTORY_PAGE,
  TYPING_THROTTLE_MS,
  type ChatMessage,
  type LoadHistoryAck,
  type Member,
  type ChatError,
  type ReadReceipt,
  type Room,
  type RoomId,
} from '@duplex/protocol/chat'
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react'
import { newClientId } from '../lib/client-id'
import type { ChatConnection } from '../lib/chat-connection'
import {
  chatReducer,
  INITIAL_CHAT_STATE,
  type ChatNotice,
  type OutgoingMessage,
} from '../lib/chat-state'
import { rememberRoomName } from '../lib/room-names'
import { useMarkRead } from './use-mark-read'
import { useRealtimeSocket } from './use-realtime-socket'

/** How long to wait for an ack before calling a request failed. */
const ACK_TIMEOUT_MS = 10_000
/** Pages fetched at most to close the gap after a reconnect that could not be recovered. */
const MAX_GAP_PAGES = 10
/** When the server said `unavailable` without saying when to come back. */
const DEFAULT_RETRY_AFTER_MS = 2000

/**
 * The server's hint, stretched by up to half at random: every page of a busy room heard the
 * same `unavailable` at once, and would otherwise all come back in the same millisecond.
 */
function retryDelay(retryAfterMs: number | undefined): number {
  return (retryAfterMs ?? DEFAULT_RETRY_AFTER_MS) * (1 + Math.random() / 2)
}

const timeoutError = { code: 'timeout' as const, message: 'The server did not answer in time.' }

/** A refusal as the page shows it: with the moment a retry may succeed, to count down to. */
function noticeOf(error: ChatError): ChatNotice {
  return {
    code: error.code,
    message: error.message,
    ...(error.retryAfterMs !== undefined && { retryAt: Date.now() + error.retryAfterMs }),
  }
}

/**
 * One chat room over the tab's Socket.IO connection: joins on connect, merges history and live
 * messages by id, sends with a stable `clientId` (pending → sent, or failed and retryable),
 * relays typing (throttled, self-expiring), read receipts and presence.
 *
 * A send or a join answered `unavailable` (a store the server needs is down) is not a failure:
 * the message stays in the outbox (`waiting`) and goes again, with the same `clientId`, after the
 * server's `retryAfterMs`; the join is retried the same way.
 *
 * After a reconnect, nothing is needed when Socket.IO recovered the session (`socket.recovered`:
 * the server replays what was missed); otherwise the room is joined again and every message since
 * the last one held is fetched.
 *
 * @example
 * const chat = useChat('general')
 * chat.send('Hello')
 */
export function useChat(roomId: RoomId, selfId: string | undefined) {
  const { connection, state: connectionState } = useRealtimeSocket()
  const [state, dispatch] = useReducer(chatReducer, INITIAL_CHAT_STATE)
  /** The room as the join answered it (its name), or `missing` when the server has no such room. */
  const [room, setRoom] = useState<Room | 'missing' | null>(null)
  /** Bumped to join again, e.g. once the room was created from the page. */
  const [joinAttempt, setJoinAttempt] = useState(0)
  const stateRef = useRef(state)
  stateRef.current = state
  const attempts = useRef(new Map<string, number>())
  const lastTypingSent = useRef(0)
  /** The one pending resend of `waiting` messages (one timer for the outbox keeps their order). */
  const resendTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(resendTimer.current), [])

  // `transmit` and `scheduleResend` call each other; a ref breaks the cycle of their deps.
  const transmitRef = useRef<
    (conn: ChatConnection, message: Pick<OutgoingMessage, 'clientId' | 'text'>) => void
  >(() => undefined)

  /** Sends every `waiting` message again, in order, once the server's hint has passed. */
  const scheduleResend = useCallback((conn: ChatConnection, retryAfterMs: number | undefined) => {
    if (resendTimer.current !== undefined) return
    resendTimer.current = setTimeout(() => {
      resendTimer.current = undefined
      // Disconnected meanwhile: the next join sends the whole outbox anyway.
      if (!conn.socket.connected || !stateRef.current.joined) return
      for (const waiting of stateRef.current.outbox) {
        if (waiting.status === 'waiting') transmitRef.current(conn, waiting)
      }
    }, retryDelay(retryAfterMs))
  }, [])

  const transmit = useCallback(
    (conn: ChatConnection, message: Pick<OutgoingMessage, 'clientId' | 'text'>) => {
      const attempt = (attempts.current.get(message.clientId) ?? 0) + 1
      attempts.current.set(message.clientId, attempt)
      dispatch({
        type: 'outbox',
        clientId: message.clientId,
        patch: { status: 'sending', error: undefined },
      })
      const started = performance.now()
      conn.socket
        .timeout(ACK_TIMEOUT_MS)
        .emit(
          'send-message',
          { roomId, text: message.text, clientId: message.clientId },
          (err, ack) => {
            // A newer attempt of the same message (a retry after reconnect) owns the outcome.
            if (attempts.current.get(message.clientId) !== attempt) return
            if (err) {
              dispatch({
                type: 'outbox',
                clientId: message.clientId,
                patch: { status: 'failed', error: timeoutError },
              })
              return
            }
            conn.recordLatency(performance.now() - started)
            if (ack.ok) {
              attempts.current.delete(message.clientId)
              dispatch({ type: 'messages', messages: [ack.message] })
              return
            }
            if (ack.error.code === 'unavailable') {
              dispatch({
                type: 'outbox',
                clientId: message.clientId,
                patch: { status: 'waiting', error: ack.error },
              })
              scheduleResend(conn, ack.error.retryAfterMs)
              return
            }
            dispatch({
              type: 'outbox',
              clientId: message.clientId,
              patch: { status: 'failed', error: ack.error },
            })
            if (ack.error.code === 'rate_limited' || ack.error.code === 'too_large') {
              dispatch({ type: 'notice', notice: noticeOf(ack.error) })
            }
          },
        )
    },
    [roomId, scheduleResend],
  )
  transmitRef.current = transmit

  // Join, rejoin after reconnects, and listen to the room.
  useEffect(() => {
    dispatch({ type: 'reset' })
    setRoom(null)
    if (!connection) return
    const { socket } = connection
    let disposed = false
    let rejoinTimer: ReturnType<typeof setTimeout> | undefined

    const flushOutbox = () => {
      for (const message of stateRef.current.outbox) {
        if (message.status !== 'failed') transmit(connection, message)
      }
    }

    /** Pages back from the join's history until it meets what we held before the disconnect. */
    const fillGap = async (heldUpTo: number, oldest: number | undefined, hasMore: boolean) => {
      let before = oldest
      for (
        let page = 0;
        page < MAX_GAP_PAGES && hasMore && before !== undefined && before > heldUpTo + 1;
        page++
      ) {
        const ack: LoadHistoryAck | null = await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('load-history', { roomId, before, limit: CHAT_HISTORY_MAX_PAGE })
          .catch(() => null)
        if (disposed || !ack?.ok) return
        const fresh = ack.messages.filter((m) => m.id > heldUpTo)
        dispatch({ type: 'messages', messages: fresh })
        if (fresh.length < ack.messages.length || ack.messages.length === 0) return
        before = ack.messages[0]?.id
        hasMore = ack.hasMore
      }
    }

    const join = async () => {
      const heldUpTo = stateRef.current.messages.at(-1)?.id ?? 0
      const wasLoaded = stateRef.current.loaded
      const started = performance.now()
      const ack = await socket
        .timeout(ACK_TIMEOUT_MS)
        // Visiting a room's address never creates it: the page offers a button for that.
        .emitWithAck('join-room', { roomId, create: false })
        .catch(() => null)
      if (disposed) return
      if (!ack) {
        dispatch({
          type: 'notice',
          notice: {
            code: 'join_timeout',
            message: 'Joining the room timed out; retrying on the next reconnect.',
          },
        })
        return
      }
      if (!ack.ok && ack.error.code === 'not_found') {
        setRoom('missing')
        return
      }
      if (!ack.ok) {
        dispatch({ type: 'notice', notice: noticeOf(ack.error) })
        // The room is there, the server just cannot read it now: try again when it says.
        if (ack.error.code === 'unavailable' && socket.connected) {
          clearTimeout(rejoinTimer)
          rejoinTimer = setTimeout(() => void join(), retryDelay(ack.error.retryAfterMs))
        }
        return
      }
      connection.recordLatency(performance.now() - started)
      rememberRoomName(ack.room.id, ack.room.name)
      setRoom(ack.room)
      dispatch({
        type: 'joined',
        history: ack.history,
        hasMore: ack.hasMore,
        members: ack.members,
        reads: ack.reads,
      })
      const notice = stateRef.current.notice?.code
      if (notice === 'timeout' || notice === 'join_timeout' || notice === 'unavailable')
        dispatch({ type: 'notice', notice: null })
      flushOutbox()
      if (wasLoaded && heldUpTo > 0) await fillGap(heldUpTo, ack.history[0]?.id, ack.hasMore)
    }

    const onConnect = () => {
      // Recovered: the server kept our rooms and replays what we missed. Nothing to fetch.
      if (socket.recovered && stateRef.current.loaded) {
        dispatch({ type: 'recovered' })
        flushOutbox()
      } else {
        void join()
      }
    }
    const onDisconnect = () => dispatch({ type: 'left' })
    const onMessage = (message: ChatMessage) => {
      if (message.roomId === roomId) dispatch({ type: 'messages', messages: [message] })
    }
    const onPresence = (event: { roomId: string; members: Member[] }) => {
      if (event.roomId === roomId) dispatch({ type: 'members', members: event.members })
    }
    const onTyping = (event: {
      roomId: string
      userId: string
      userName: string
      typing: boolean
    }) => {
      if (event.roomId === roomId) {
        dispatch({
          type: 'typing',
          user: { userId: event.userId, userName: event.userName },
          typing: event.typing,
        })
      }
    }
    const onRead = (receipt: ReadReceipt) => {
      if (receipt.roomId === roomId) dispatch({ type: 'read', receipt })
    }

    socket.on('connect', onConnect)
    socket.on('disconnect', onDisconnect)
    socket.on('room-message', onMessage)
    socket.on('presence', onPresence)
    socket.on('user-typing', onTyping)
    socket.on('read-receipt', onRead)
    if (socket.connected) void join()

    return () => {
      disposed = true
      clearTimeout(rejoinTimer)
      socket.off('connect', onConnect)
      socket.off('disconnect', onDisconnect)
      socket.off('room-message', onMessage)
      socket.off('presence', onPresence)
      socket.off('user-typing', onTyping)
      socket.off('read-receipt', onRead)
      if (socket.connected) socket.emit('leave-room', { roomId })
    }
  }, [connection, roomId, transmit, joinAttempt])

  // Typing indicators expire on their own: a closed tab never sends `typing: false`.
  const typingEntries = Object.values(state.typing)
  const nextExpiry = typingEntries.length ? Math.min(...typingEntries.map((t) => t.until)) : null
  useEffect(() => {
    if (nextExpiry === null) return
    const timer = setTimeout(
      () => dispatch({ type: 'expire-typing', now: Date.now() }),
      Math.max(0, nextExpiry - Date.now()) + 50,
    )
    return () => clearTimeout(timer)
  }, [nextExpiry])

  useMarkRead(connection, state.joined, state.messages, selfId, roomId)

  const send = useCallback(
    (text: string) => {
      if (text.trim() === '') return
      const message: OutgoingMessage = {
        clientId: newClientId(),
        text,
        status: 'queued',
        createdAt: Date.now(),
      }
      dispatch({ type: 'queue', message })
      // The user sent; they are no longer typing.
      if (lastTypingSent.current && connection?.socket.connected) {
        connection.socket.emit('typing', { roomId, typing: false })
      }
      lastTypingSent.current = 0
      if (connection?.socket.connected && stateRef.current.joined) transmit(connection, message)
    },
    [connection, roomId, transmit],
  )

  /** Sends the same message again with the same `clientId`, so the server stores it at most once. */
  const retry = useCallback(
    (clientId: string) => {
      const message = stateRef.current.outbox.find((o) => o.clientId === clientId)
      if (!message) return
      if (connection?.socket.connected && stateRef.current.joined) transmit(connection, message)
      else dispatch({ type: 'outbox', clientId, patch: { status: 'queued', error: undefined } })
    },
    [connection, transmit],
  )

  const discard = useCallback(
    (clientId: string) => dispatch({ type: 'outbox', clientId, patch: null }),
    [],
  )

  /** Call on every keystroke: sends `typing: true` at most once per {@link TYPING_THROTTLE_MS}. */
  const notifyTyping = useCallback(() => {
    if (!connection?.socket.connected || !stateRef.current.joined) return
    const now = Date.now()
    if (now - lastTypingSent.current < TYPING_THROTTLE_MS) return
    lastTypingSent.current = now
    connection.socket.emit('typing', { roomId, typing: true })
  }, [connection, roomId])

  /** Call on blur or when the draft is emptied. */
  const stopTyping = useCallback(() => {
    if (!lastTypingSent.current) return
    lastTypingSent.current = 0
    if (connection?.socket.connected) connection.socket.emit('typing', { roomId, typing: false })
  }, [connection, roomId])

  const loadOlder = useCallback(async () => {
    const current = stateRef.current
    const before = current.messages[0]?.id
    if (
      !connection ||
      !current.joined ||
      !current.hasMore ||
      current.loadingOlder ||
      before === undefined
    )
      return
    dispatch({ type: 'loading-older', loading: true })
    const ack = await connection.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('load-history', { roomId, before, limit: CHAT_HISTORY_PAGE })
      .catch(() => null)
    dispatch({ type: 'loading-older', loading: false })
    if (ack?.ok)
      dispatch({ type: 'messages', messages: ack.messages, hasMore: ack.hasMore, older: true })
    else if (ack) dispatch({ type: 'notice', notice: noticeOf(ack.error) })
  }, [connection, roomId])

  const dismissNotice = useCallback(() => dispatch({ type: 'notice', notice: null }), [])

  /** Joins again from scratch: after the room was created from the page. */
  const rejoin = useCallback(() => setJoinAttempt((n) => n + 1), [])

  const typing = useMemo(
    () => Object.values(state.typing).filter((t) => t.userId !== selfId),
    [state.typing, selfId],
  )

  return {
    connection: connectionState,
    /** The room joined (with its name); `missing` when there is no such room; null before. */
    room,
    rejoin,
    joined: state.joined,
    loaded: state.loaded,
    messages: state.messages,
    outbox: state.outbox,
    hasMore: state.hasMore,
    loadingOlder: state.loadingOlder,
    prepended: state.prepended,
    members: state.members,
    reads: state.reads,
    typing,
    notice: state.notice,
    send,
    retry,
    discard,
    notifyTyping,
    stopTyping,
    loadOlder,
    dismissNotice,
  }
}
