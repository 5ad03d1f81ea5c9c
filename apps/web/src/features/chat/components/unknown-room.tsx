'use client'

import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useTranslations } from 'next-intl'
import { useEffect, useRef, useState, type ReactNode } from 'react'
import type { Room } from '@duplex/protocol/chat'
import { useRealtimeRooms } from '../hooks/use-realtime-rooms'
import { useRefusalText } from '../lib/use-refusal-text'

const BDI = (chunks: ReactNode) => <bdi>{chunks}</bdi>

/**
 * What `/chat/<room>` shows when there is no such room: visiting an address never creates a
 * room; this button does. By slug (`/chat/team-42`) the room is made under that slug; by a name
 * that is no slug (`/chat/设计评审`) it is made by name and the page moves to its slug, or to the
 * room that already has that name.
 */
export function UnknownRoom({
  what,
  onCreated,
}: {
  what: { roomId: string } | { name: string }
  /** Called with the room once it exists; by default the page goes to its address. */
  onCreated?: (room: Room) => void
}) {
  const t = useTranslations('chat.unknown')
  const { create, connection } = useRealtimeRooms()
  const refusalText = useRefusalText()
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const heading = useRef<HTMLHeadingElement>(null)
  const label = 'roomId' in what ? what.roomId : what.name

  // The prompt is the page's main content now: keyboard and screen reader users start here.
  useEffect(() => heading.current?.focus({ preventScroll: true }), [])

  const onCreate = async () => {
    setBusy(true)
    setError(null)
    const result = await create(what)
    setBusy(false)
    if (!result.ok) {
      setError(refusalText(result))
      return
    }
    if (onCreated) onCreated(result.room)
    else router.replace(`/chat/${result.room.id}`)
  }

  return (
    <section
      aria-labelledby="unknown-room-title"
      data-testid="unknown-room"
      className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2
        id="unknown-room-title"
        ref={heading}
        tabIndex={-1}
        className="text-lg font-semibold outline-none"
      >
        {t.rich('title', { name: label, bdi: BDI })}
      </h2>
      <p className="mt-2 max-w-2xl text-sm text-slate-600 dark:text-slate-300">{t('body')}</p>
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <button
          type="button"
          onClick={() => void onCreate()}
          disabled={busy || connection.status !== 'open'}
          className="rounded-md bg-ws-600 px-4 py-2 text-sm font-semibold text-white hover:bg-ws-700 disabled:opacity-60"
        >
          {busy ? t('creating') : t.rich('create', { name: label, bdi: BDI })}
        </button>
        <Link
          href="/chat"
          className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-100 dark:text-slate-200 dark:ring-slate-700 dark:hover:bg-slate-800"
        >
          {t('back')}
        </Link>
      </div>
      {error && (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </section>
  )
}
