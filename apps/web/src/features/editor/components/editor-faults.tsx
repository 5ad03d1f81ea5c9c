'use client'

import { useTranslations } from 'next-intl'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { FaultPanel, useFaultTimeline, type FaultOption } from '@/shared/ui/fault-panel'
import type { CollabDocState } from '../hooks/use-collab-doc'

/**
 * The editor's "Break it" panel: faults this page's own y-websocket connection. A stall the server
 * accepted is reported through `onStalled` (true while it lasts) so the status can say so, and the
 * log says when it ended.
 */
export function EditorFaults({
  collab,
  onStalled,
}: {
  collab: CollabDocState
  onStalled?: (stalled: boolean) => void
}) {
  const t = useTranslations('editor.faults')
  const faults = useMemo<FaultOption[]>(
    () => [
      {
        kind: 'drop',
        label: t('drop.label'),
        steps: [
          t('drop.steps.cut'),
          t('drop.steps.type'),
          t('drop.steps.reconnect'),
          t('drop.steps.converge'),
        ],
      },
      {
        kind: 'stall',
        label: t('stall.label'),
        steps: [t('stall.steps.silent'), t('stall.steps.others'), t('stall.steps.merge')],
      },
    ],
    [t],
  )
  const baseUrl = useRealtimeUrl()
  const { entries, note } = useFaultTimeline()
  const seen = useRef({ status: collab.status, synced: collab.synced, connection: 0 })
  /** The stall the server accepted: when it ends, and how long it lasts. */
  const [stall, setStall] = useState<{ endsAt: number; ms: number } | null>(null)
  const onStalledRef = useRef(onStalled)
  onStalledRef.current = onStalled

  useEffect(() => {
    onStalledRef.current?.(stall !== null)
    if (!stall) return
    const timer = setTimeout(
      () => {
        note(t('timeline.stallEnded', { seconds: String(stall.ms / 1000) }))
        setStall(null)
      },
      Math.max(0, stall.endsAt - Date.now()),
    )
    return () => clearTimeout(timer)
  }, [stall, note, t])

  // A stall ends with its WebSocket: a new one is not stalled.
  useEffect(() => {
    if (collab.status !== 'open') setStall(null)
  }, [collab.status])

  useEffect(() => {
    const before = seen.current
    seen.current = { status: collab.status, synced: collab.synced, connection: collab.connection }
    // A deleted or renamed document closes for good: its notice says so, not "reconnecting".
    if (before.status === 'open' && collab.status !== 'open' && !collab.offline && !collab.gone)
      note(t('timeline.closed'))
    if (collab.connection > before.connection && before.connection > 0)
      note(t('timeline.opened', { connection: String(collab.connection) }))
    if (collab.synced && !before.synced && collab.connection > 1) note(t('timeline.resynced'))
  }, [collab.status, collab.synced, collab.connection, collab.offline, collab.gone, note, t])

  return (
    <FaultPanel
      baseUrl={baseUrl}
      transport="yjs"
      connectionId={collab.status === 'open' ? collab.faultName : null}
      unavailable={collab.status === 'open' ? undefined : collab.gone ? t('gone') : t('waiting')}
      intro={t('intro')}
      faults={faults}
      observations={[
        {
          label: t('observe.webSocket'),
          value: `#${collab.connection || 1}`,
          testId: 'fault-connection',
        },
        {
          label: t('observe.synced'),
          value: collab.synced ? t('observe.yes') : t('observe.no'),
          testId: 'fault-synced',
        },
      ]}
      timeline={entries}
      onInjected={(accepted) => {
        if (accepted.fault !== 'stall') return
        note(t('timeline.stalled', { seconds: String(accepted.durationMs / 1000) }))
        setStall({ endsAt: Date.now() + accepted.durationMs, ms: accepted.durationMs })
      }}
      onRequest={(fault, stallMs) =>
        note(
          fault === 'stall'
            ? t('timeline.askedStall', { seconds: String(stallMs / 1000) })
            : t('timeline.askedDrop'),
        )
      }
    />
  )
}
