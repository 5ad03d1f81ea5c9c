'use client'

import { ApiErrorSchema } from '@duplex/protocol/errors'
import {
  COLLAB_PATH,
  COLLAB_TEXT_KEY,
  CollabAwarenessUserSchema,
  CollabCloseCode,
  type DocOwner,
} from '@duplex/protocol/collab'
import type { SessionUser } from '@duplex/protocol/session'
import { useCallback, useEffect, useRef, useState } from 'react'
import { FaultConnectionParam } from '@duplex/protocol/faults'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { ConnectionStatus } from '@/shared/lib/connection-status'
import type { SessionEnd } from '@/shared/lib/realtime-connection'
import { realtimeAuthToken } from '@/shared/lib/realtime-auth'
import { userColor } from '@/shared/lib/realtime-colors'
import { toWebSocketUrl } from '@/shared/lib/realtime-url'
import type { WireFrame } from '@/shared/lib/realtime-wire'
import { describeYjsFrame, type YjsWireWords } from '../lib/yjs-wire'
import { lookupDoc } from '../lib/doc-lookup'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'

/** Someone with the document open, from their awareness state. */
export interface CollabPeer {
  clientId: number
  userId: string
  name: string
  color: string
  self: boolean
}

/** The live pieces an editor binds to. */
export interface CollabHandle {
  doc: Y.Doc
  text: Y.Text
  provider: WebsocketProvider
  /** Tracks only this client's edits, so undo never reverts somebody else's typing. */
  undoManager: Y.UndoManager
}

export interface CollabDocState {
  handle: CollabHandle | null
  status: ConnectionStatus
  /** True once the server's state has been merged in (sync step 2 received). */
  synced: boolean
  peers: CollabPeer[]
  /** Why the server refused us (`unauthorized: no session token`), when it did. */
  refusal: string | null
  /**
   * The server closed the last attempt with 1013 (`CollabCloseCode.unavailable`): its storage is
   * down. y-websocket keeps retrying, and edits stay in the page meanwhile.
   */
  storeUnavailable: boolean
  /**
   * The session was signed out (anywhere) or expired while the document was open: the server
   * closed it with 4401 and that reason, and y-websocket does not reconnect.
   */
  ended: SessionEnd | null
  /**
   * The document was deleted or renamed (close codes 4404 and 4409) while this page had it open;
   * `by` and `at` (who did it, when) arrive a moment later from `GET /api/docs/<name>`, and stay
   * undefined if the server cannot say.
   */
  gone: DocGoneState | null
  /** Connection attempts that failed in a row since the document was last open. */
  failedAttempts: number
  canUndo: boolean
  canRedo: boolean
  /** Whether the user chose to work offline (see `setOffline`). */
  offline: boolean
  setOffline(offline: boolean): void
  retry(): void
  /** This page's connection as the server's fault route knows it (`?conn=`). */
  faultName: string
  /** Number of the WebSocket that last opened (1 for the first); above 1 means it reconnected. */
  connection: number
}

/** What became of the open document, as this page learned it. */
export type DocGoneState = (
  | { kind: 'deleted' }
  | {
      kind: 'renamed'
      /** The new name. */
      to: string
    }
) & { by?: DocOwner | null; at?: number }

/** A refused upgrade is a bare 1006 to the browser; ask the server why at most this often. */
const PROBE_EVERY_MS = 5000

/** What {@link probeSession} found wrong with the session. */
type SessionProblem = { ended: SessionEnd } | { refusal: string }

/**
 * Asks the realtime server whether our session is good, because a refused WebSocket upgrade
 * (HTTP 401) reaches the page only as "connection closed". Returns what is wrong when it is not:
 * the session ended (signed out, expired), or another refusal. A 503 (the server cannot check
 * sessions right now) is not a refusal: y-websocket keeps retrying.
 */
async function probeSession(
  baseUrl: string,
  token: string | undefined,
): Promise<SessionProblem | null> {
  try {
    const response = await fetch(`${baseUrl}/api/docs?limit=1`, {
      credentials: 'include',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      cache: 'no-store',
    })
    if (response.status !== 401) return null
    const body = ApiErrorSchema.safeParse(await response.json().catch(() => null))
    const message = body.success ? body.data.error.message : 'no valid session'
    // The realtime server's words for a revoked and an expired token (see verifySessionToken).
    if (message === 'signed out') return { ended: 'signed_out' }
    if (message === 'token expired') return { ended: 'session_expired' }
    return { refusal: `unauthorized: ${message}` }
  } catch {
    // Server unreachable: a network problem, not a refusal. Keep retrying.
    return null
  }
}

function readPeers(provider: WebsocketProvider): CollabPeer[] {
  const self = provider.awareness.clientID
  const peers: CollabPeer[] = []
  provider.awareness.getStates().forEach((state, clientId) => {
    // Awareness is relayed unchecked by the server: anything may be in there.
    const user = CollabAwarenessUserSchema.safeParse((state as { user?: unknown }).user)
    if (user.success) {
      peers.push({
        clientId,
        userId: user.data.id,
        name: user.data.name,
        color: user.data.color,
        self: clientId === self,
      })
    }
  })
  return peers.sort((a, b) => Number(b.self) - Number(a.self) || a.clientId - b.clientId)
}

/**
 * One shared document over y-websocket: a `Y.Doc` whose `content` text is kept in sync with the
 * realtime server at `/yjs/<docName>`, with this user's name and colour in the awareness state
 * (remote cursors), a per-user undo manager, and every binary frame reported to `onWire`.
 *
 * Edits made while offline stay in the local document and merge on reconnect: that is what the
 * CRDT is for, so nothing here queues or replays anything.
 *
 * @example
 * const collab = useCollabDoc('meeting-notes', session.user, wire.push)
 * if (collab.handle) bindEditor(collab.handle.text, collab.handle.provider.awareness)
 */
export function useCollabDoc(
  docName: string,
  user: SessionUser,
  onWire?: (frame: WireFrame & { connection: number }) => void,
  /** The wire panel's frame labels in the reader's language (English when absent). */
  wireWords?: YjsWireWords,
): CollabDocState {
  // Read at each frame: a language switch relabels new frames without reconnecting.
  const words = useRef(wireWords)
  words.current = wireWords
  const url = useRealtimeUrl()
  const [handle, setHandle] = useState<CollabHandle | null>(null)
  const [status, setStatus] = useState<ConnectionStatus>('connecting')
  const [synced, setSynced] = useState(false)
  const [peers, setPeers] = useState<CollabPeer[]>([])
  const [refusal, setRefusal] = useState<string | null>(null)
  const [ended, setEnded] = useState<SessionEnd | null>(null)
  const [gone, setGone] = useState<CollabDocState['gone']>(null)
  const [storeUnavailable, setStoreUnavailable] = useState(false)
  const [failedAttempts, setFailedAttempts] = useState(0)
  const [canUndo, setCanUndo] = useState(false)
  const [canRedo, setCanRedo] = useState(false)
  const [offline, setOfflineState] = useState(false)
  const [attempt, setAttempt] = useState(0)
  // The name of this page's connection for the "Break it" panel (`?conn=` on the WebSocket URL);
  // kept across y-websocket's reconnects, which reuse the URL.
  const [faultName] = useState(() => `yjs-${Math.random().toString(36).slice(2, 12)}`)
  /** Number of the WebSocket that last opened (1 for the first). */
  const [connection, setConnection] = useState(0)
  const { id: userId, name: userName } = user

  useEffect(() => {
    if (!url) return
    let disposed = false
    let provider: WebsocketProvider | null = null
    const doc = new Y.Doc()
    const text = doc.getText(COLLAB_TEXT_KEY)
    const undoManager = new Y.UndoManager(text)
    let connections = 0
    let everConnected = false
    let opened = false
    let lastProbe = 0
    setStatus('connecting')
    setSynced(false)
    setRefusal(null)
    setEnded(null)
    setGone(null)

    // y-websocket takes a WebSocket class; this one reports every frame before passing it on.
    class TappedWebSocket extends WebSocket {
      private readonly connection = ++connections
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols)
        this.addEventListener('message', (event: MessageEvent) => {
          onWire?.({
            ...describeYjsFrame(event.data as ArrayBuffer, 'in', words.current),
            connection: this.connection,
          })
        })
      }
      override send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
        if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
          onWire?.({
            ...describeYjsFrame(data, 'out', words.current),
            connection: this.connection,
          })
        }
        super.send(data)
      }
    }

    const syncUndo = () => {
      setCanUndo(undoManager.undoStack.length > 0)
      setCanRedo(undoManager.redoStack.length > 0)
    }
    undoManager.on('stack-item-added', syncUndo)
    undoManager.on('stack-item-popped', syncUndo)
    undoManager.on('stack-cleared', syncUndo)

    void (async () => {
      const token = await realtimeAuthToken(url)
      if (disposed) return
      const p = new WebsocketProvider(`${toWebSocketUrl(url)}${COLLAB_PATH}`, docName, doc, {
        WebSocketPolyfill: TappedWebSocket,
        params: {
          ...(token ? { token } : {}),
          [FaultConnectionParam.yjs]: faultName,
        },
        maxBackoffTime: 2500,
      })
      provider = p
      const { color, colorLight } = userColor(userId)
      p.awareness.setLocalStateField('user', { id: userId, name: userName, color, colorLight })

      p.on('status', ({ status: next }) => {
        if (next === 'connected') {
          setConnection(connections)
          everConnected = true
          setFailedAttempts(0)
          setStoreUnavailable(false)
          opened = true
          setStatus('open')
          setRefusal(null)
        } else if (next === 'connecting') {
          opened = false
          setStatus(everConnected ? 'reconnecting' : 'connecting')
        } else {
          setStatus(p.shouldConnect ? 'reconnecting' : 'closed')
        }
      })
      p.on('sync', (isSynced: boolean) => setSynced(isSynced))
      p.on('connection-close', (event) => {
        setSynced(false)
        if (event?.code === CollabCloseCode.unavailable.code) setStoreUnavailable(true)
        if (!opened) setFailedAttempts((n) => n + 1)
        if (opened || Date.now() - lastProbe < PROBE_EVERY_MS) return
        lastProbe = Date.now()
        void probeSession(url, token).then((problem) => {
          if (disposed || !problem) return
          // Retrying cannot fix a refused session; stop until the user has a new one.
          p.disconnect()
          if ('ended' in problem) setEnded(problem.ended)
          else setRefusal(problem.refusal)
          setStatus('closed')
        })
      })
      p.on('closed', ({ code, reason }) => {
        setStatus('closed')
        // Someone deleted or renamed the document from the list; reconnecting would bring it back.
        // The page turns read-only at once; who did it comes from the server's record of the name.
        if (code === CollabCloseCode.deleted.code || code === CollabCloseCode.renamed.code) {
          const to = reason.slice(CollabCloseCode.renamed.reason.length)
          setGone(
            code === CollabCloseCode.deleted.code ? { kind: 'deleted' } : { kind: 'renamed', to },
          )
          void lookupDoc(url, docName).then((lookup) => {
            const fate = lookup?.gone
            if (disposed || !fate) return
            setGone((now) =>
              now && now.kind === fate.kind ? { ...now, by: fate.by, at: fate.at } : now,
            )
          })
          return
        }
        if (code !== CollabCloseCode.unauthorized.code) {
          setRefusal(`closed ${code} ${reason}`)
          return
        }
        // 4401: the session ended while connected, and y-websocket stopped reconnecting by itself.
        if (reason === CollabCloseCode.signedOut.reason) {
          setEnded('signed_out')
          return
        }
        if (reason === CollabCloseCode.sessionExpired.reason) {
          setEnded('session_expired')
          return
        }
        // A bare "Unauthorized": the server's HTTP API says why.
        setRefusal('unauthorized: session ended')
        void probeSession(url, token).then((problem) => {
          if (disposed || !problem) return
          if ('ended' in problem) {
            setRefusal(null)
            setEnded(problem.ended)
          } else setRefusal(problem.refusal)
        })
      })
      p.awareness.on('change', () => setPeers(readPeers(p)))
      setPeers(readPeers(p))
      setHandle({ doc, text, provider: p, undoManager })
    })()

    return () => {
      disposed = true
      setHandle(null)
      setPeers([])
      provider?.destroy()
      undoManager.destroy()
      doc.destroy()
    }
  }, [url, docName, userId, userName, onWire, attempt, faultName])

  const setOffline = useCallback(
    (next: boolean) => {
      if (!handle) return
      setOfflineState(next)
      if (next) handle.provider.disconnect()
      else handle.provider.connect()
    },
    [handle],
  )

  // A refusal needs a fresh start (new token, new provider); an offline toggle does not.
  const retry = useCallback(() => setAttempt((n) => n + 1), [])

  return {
    handle,
    status,
    synced,
    peers,
    refusal,
    storeUnavailable,
    ended,
    gone,
    failedAttempts,
    canUndo,
    canRedo,
    offline,
    setOffline,
    retry,
    faultName,
    connection,
  }
}
