'use client'

import { useTranslations } from 'next-intl'
import { useEffect, useMemo, useRef } from 'react'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { FaultPanel, useFaultTimeline, type FaultOption } from '@/shared/ui/fault-panel'
import type { CollabDocState } from '../hooks/use-collab-doc'

/** The editor's "Break it" panel: faults this page's own y-websocket connection. */
export function EditorFaults({ collab }: { collab: CollabDocState }) {
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

  useEffect(() => {
    const before = seen.current
    seen.current = { status: collab.status, synced: collab.synced, connection: collab.connection }
    if (before.status === 'open' && collab.status !== 'open' && !collab.offline)
      note(t('timeline.closed'))
    if (collab.connection > before.connection && before.connection > 0)
      note(t('timeline.opened', { connection: String(collab.connection) }))
    if (collab.synced && !before.synced && collab.connection > 1) note(t('timeline.resynced'))
  }, [collab.status, collab.synced, collab.connection, collab.offline, note, t])

  return (
    <FaultPanel
      baseUrl={baseUrl}
      transport="yjs"
      connectionId={collab.status === 'open' ? collab.faultName : null}
      unavailable={collab.status === 'open' ? undefined : t('waiting')}
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
