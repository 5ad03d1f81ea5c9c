'use client'

import Link from 'next/link'
import { useTranslations } from 'next-intl'
import { useCallback } from 'react'
import { ConnectionBadge } from '@/shared/ui/connection-badge'
import { ConnectionRefused } from '@/shared/ui/session/connection-refused'
import { OriginRefused } from '@/shared/ui/session/origin-refused'
import { RealtimeUnreachable } from '@/shared/ui/session/realtime-unreachable'
import { SessionEnded } from '@/shared/ui/session/session-ended'
import { UserMenu } from '@/shared/ui/session/user-menu'
import { RICH_TAGS } from '@/shared/ui/rich-text'
import { useOriginRefusal } from '@/shared/hooks/use-origin-refusal'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { UNREACHABLE_AFTER_ATTEMPTS } from '@/shared/lib/connection-error'
import { WirePanel } from '@/shared/ui/wire-panel'
import { useCollabDoc } from '@/features/editor/hooks/use-collab-doc'
import { useSession } from '@/shared/hooks/use-session'
import { useWireLog } from '@/shared/hooks/use-wire-log'
import type { WireFrame } from '@/shared/lib/realtime-wire'
import { CodeMirrorView } from './codemirror-view'
import { EditorFaults } from './editor-faults'
import { PeerAvatars } from './peer-avatars'

const toolButton =
  'rounded-md px-2.5 py-1 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-50 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800'

export function CollabEditor({ docName }: { docName: string }) {
  const { session } = useSession()
  const t = useTranslations('editor')
  const wire = useWireLog(300)
  const { push } = wire
  const onWire = useCallback((frame: WireFrame) => push({ ...frame, at: Date.now() }), [push])
  // SessionGate renders this only with a session.
  const user = session?.user ?? { id: 'anonymous', name: 'Anonymous' }
  const collab = useCollabDoc(docName, user, onWire)
  const realtimeUrl = useRealtimeUrl()
  // A server that closed with 1013 answered: its storage is down, which says so below.
  const failing =
    collab.status !== 'open' &&
    !collab.refusal &&
    !collab.ended &&
    !collab.gone &&
    !collab.offline &&
    !collab.storeUnavailable
  const originRefusal = useOriginRefusal(realtimeUrl, failing ? collab.failedAttempts : 0)
  const detail =
    collab.status === 'open'
      ? collab.synced
        ? 'synced'
        : 'syncing…'
      : collab.offline
        ? 'offline by choice'
        : undefined

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-4">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <Link href="/editor" className={toolButton}>
            ← All documents
          </Link>
          <ConnectionBadge status={collab.status} detail={detail} />
          <PeerAvatars peers={collab.peers} />
          <div className="ml-auto">
            <UserMenu />
          </div>
        </div>
        {collab.ended && <SessionEnded why={collab.ended} onRetry={collab.retry} />}
        {collab.refusal && <ConnectionRefused reason={collab.refusal} onRetry={collab.retry} />}
        {collab.status !== 'open' && !collab.gone && collab.storeUnavailable && (
          <p
            role="alert"
            data-testid="doc-unavailable"
            className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
          >
            {t('doc.unavailable')}
          </p>
        )}
        {originRefusal ? (
          <OriginRefused refusal={originRefusal} />
        ) : (
          failing &&
          collab.failedAttempts >= UNREACHABLE_AFTER_ATTEMPTS && (
            <RealtimeUnreachable url={realtimeUrl ?? undefined} />
          )
        )}
        {collab.gone && (
          <p
            role="alert"
            data-testid="doc-gone"
            className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
          >
            {collab.gone.kind === 'deleted' ? (
              <>Someone deleted this document. </>
            ) : (
              <>
                Someone renamed this document to{' '}
                <Link className="font-semibold underline" href={`/editor/${collab.gone.to}`}>
                  {collab.gone.to}
                </Link>
                .{' '}
              </>
            )}
            <Link className="underline" href="/editor">
              Back to all documents
            </Link>
          </p>
        )}
        <section
          aria-label={`Document ${docName}`}
          className="flex h-[calc(100dvh-22.5rem)] min-h-80 flex-col sm:h-[min(70vh,40rem)] sm:min-h-96 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
        >
          <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-2 dark:border-slate-800">
            <button
              type="button"
              className={toolButton}
              disabled={!collab.canUndo}
              onClick={() => collab.handle?.undoManager.undo()}
              title="Undo your last edit (Ctrl/⌘+Z); other people's edits stay"
            >
              Undo
            </button>
            <button
              type="button"
              className={toolButton}
              disabled={!collab.canRedo}
              onClick={() => collab.handle?.undoManager.redo()}
              title="Redo (Ctrl/⌘+Shift+Z)"
            >
              Redo
            </button>
            <span className="hidden text-xs text-slate-500 sm:inline dark:text-slate-400">
              Undo only takes back your own edits.
            </span>
            <button
              type="button"
              className={`${toolButton} ml-auto`}
              aria-pressed={collab.offline}
              disabled={!collab.handle}
              onClick={() => collab.setOffline(!collab.offline)}
              title="Close the WebSocket but keep editing; edits merge when you reconnect"
            >
              {collab.offline ? 'Reconnect' : 'Work offline'}
            </button>
          </div>
          <div className="min-h-0 flex-1">
            {collab.handle ? (
              <CodeMirrorView handle={collab.handle} label={`Text of ${docName}`} />
            ) : (
              <div aria-busy="true" className="space-y-3 p-6">
                {[70, 90, 55, 80].map((w) => (
                  <div
                    key={w}
                    className="h-3 animate-pulse rounded bg-slate-200 dark:bg-slate-800"
                    style={{ width: `${w}%` }}
                  />
                ))}
              </div>
            )}
          </div>
        </section>
        <EditorFaults collab={collab} />
      </div>
      <WirePanel log={wire} description={t.rich('wire', RICH_TAGS)} />
    </div>
  )
}
