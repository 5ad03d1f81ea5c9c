'use client'

import type { DocOwner } from '@duplex/protocol/collab'
import Link from 'next/link'
import { useTranslations } from 'next-intl'
import { useCallback, useId, useMemo, useState } from 'react'
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
import { DocGoneNotice, RenamedFrom } from './doc-gone'
import { EditorFaults } from './editor-faults'
import { PeerAvatars } from './peer-avatars'
import type { YjsWireWords } from '../lib/yjs-wire'

const toolButton =
  'rounded-md px-2.5 py-1 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-50 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800'

/**
 * One open document: status, people, the CodeMirror editor, and beside it the "Break it" panel and
 * the wire. `renamedFrom` is the old name the page came from, when it followed a rename.
 */
export function CollabEditor({
  docName,
  renamedFrom,
}: {
  docName: string
  renamedFrom?: { name: string; by: DocOwner | null } | undefined
}) {
  const { session } = useSession()
  const t = useTranslations('editor')
  const wire = useWireLog(300)
  const { push } = wire
  const onWire = useCallback((frame: WireFrame) => push({ ...frame, at: Date.now() }), [push])
  // SessionGate renders this only with a session.
  const user = session?.user ?? { id: 'anonymous', name: 'Anonymous' }
  const tw = useTranslations('editor.wireFrames')
  const wireWords = useMemo<YjsWireWords>(
    () => ({
      syncStep1: tw('syncStep1'),
      syncStep2: tw('syncStep2'),
      update: tw('update'),
      sync: tw('sync'),
      payload: (bytes) => tw('payload', { bytes }),
      awareness: (count) => tw('awareness', { count }),
      clientState: (clientId, clock, state) =>
        tw('clientState', { clientId: String(clientId), clock: String(clock), state }),
      left: tw('left'),
      auth: (reason) => tw('auth', { reason }),
      queryAwareness: tw('queryAwareness'),
    }),
    [tw],
  )
  const collab = useCollabDoc(docName, user, onWire, wireWords)
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
  const [stalled, setStalled] = useState(false)
  const gone = collab.gone
  const hintId = useId()
  const detail =
    collab.status === 'open'
      ? stalled
        ? t('doc.status.stalled')
        : collab.synced
          ? t('doc.status.synced')
          : t('doc.status.syncing')
      : collab.offline
        ? t('doc.status.offline')
        : undefined
  const handle = collab.handle
  const currentText = useCallback(() => handle?.text.toString() ?? '', [handle])

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-4">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <Link href="/editor" className={toolButton}>
            {t('doc.back')}
          </Link>
          <ConnectionBadge status={collab.status} detail={detail} />
          <PeerAvatars peers={collab.peers} />
          <div className="ml-auto">
            <UserMenu />
          </div>
        </div>
        {renamedFrom && <RenamedFrom from={renamedFrom} to={docName} />}
        {collab.ended && <SessionEnded why={collab.ended} onRetry={collab.retry} />}
        {collab.refusal && <ConnectionRefused reason={collab.refusal} onRetry={collab.retry} />}
        {collab.status !== 'open' && !gone && collab.storeUnavailable && (
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
        {gone && <DocGoneNotice docName={docName} gone={gone} text={currentText} />}
        <section
          aria-label={t('doc.region', { doc: docName })}
          className="flex h-[calc(100dvh-22.5rem)] min-h-80 flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm sm:h-[min(60vh,34rem)] sm:min-h-80 dark:border-slate-800 dark:bg-slate-900"
        >
          <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-2 dark:border-slate-800">
            <button
              type="button"
              className={toolButton}
              disabled={!collab.canUndo || gone !== null}
              onClick={() => handle?.undoManager.undo()}
              title={t('doc.undoTitle')}
            >
              {t('doc.undo')}
            </button>
            <button
              type="button"
              className={toolButton}
              disabled={!collab.canRedo || gone !== null}
              onClick={() => handle?.undoManager.redo()}
              title={t('doc.redoTitle')}
            >
              {t('doc.redo')}
            </button>
            <span className="hidden text-xs text-slate-500 sm:inline dark:text-slate-400">
              {t('doc.undoHint')}
            </span>
            {gone ? (
              <span
                data-testid="doc-read-only-badge"
                className="ml-auto rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-semibold text-amber-900 dark:bg-amber-900 dark:text-amber-100"
              >
                {t('doc.readOnly')}
              </span>
            ) : (
              <button
                type="button"
                className={`${toolButton} ml-auto`}
                aria-pressed={collab.offline}
                disabled={!handle}
                onClick={() => collab.setOffline(!collab.offline)}
                title={t('doc.offlineTitle')}
              >
                {collab.offline ? t('doc.reconnect') : t('doc.workOffline')}
              </button>
            )}
          </div>
          <div className="min-h-0 flex-1">
            {handle ? (
              <CodeMirrorView
                handle={handle}
                label={t('doc.textLabel', { doc: docName })}
                placeholderText={t('doc.placeholder')}
                describedBy={hintId}
                readOnly={gone !== null}
              />
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
          <p
            id={hintId}
            data-testid="editor-keyboard-hint"
            className="border-t border-slate-200 px-3 py-1.5 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400"
          >
            {t('doc.keyboardHint')}
          </p>
        </section>
      </div>
      <aside className="min-w-0 space-y-4">
        {/* Beside the editor, like chat's: watch the document while you break its connection. */}
        <EditorFaults collab={collab} onStalled={setStalled} />
        <WirePanel log={wire} description={t.rich('wire', RICH_TAGS)} />
      </aside>
    </div>
  )
}
