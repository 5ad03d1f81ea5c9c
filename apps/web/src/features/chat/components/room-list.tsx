'use client'

import { ROOM_NAME_MAX_GRAPHEMES } from '@duplex/protocol/chat'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useTranslations } from 'next-intl'
import { useId, useState, type FormEvent } from 'react'
import { useRealtimeRooms } from '@/features/chat/hooks/use-realtime-rooms'
import { checkRoomName } from '../lib/room-name-check'
import { useRefusalText } from '../lib/use-refusal-text'

/**
 * The lobby's room list and the form that creates a room. A room's name is kept exactly as typed
 * (any script, emoji, up to {@link ROOM_NAME_MAX_GRAPHEMES} characters); the server gives it a
 * URL slug of its own, which is where the page goes next.
 */
export function RoomList() {
  const { rooms, create, connection } = useRealtimeRooms()
  const t = useTranslations('chat.rooms')
  const refusalText = useRefusalText()
  const router = useRouter()
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const inputId = useId()

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const checked = checkRoomName(draft)
    if (!('name' in checked)) {
      setError(
        checked.key === 'tooLong'
          ? t('errors.tooLong', { length: checked.length, max: checked.max })
          : t(`errors.${checked.key}`),
      )
      return
    }
    setBusy(true)
    setError(null)
    const result = await create({ name: checked.name })
    setBusy(false)
    if (!result.ok) {
      setError(refusalText(result))
      return
    }
    setDraft('')
    router.push(`/chat/${result.room.id}`)
  }

  return (
    <section
      aria-labelledby="rooms-title"
      className="rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
        <h2 id="rooms-title" className="font-semibold">
          {t('title')}
        </h2>
        <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2" noValidate>
          <label htmlFor={inputId} className="sr-only">
            {t('newLabel')}
          </label>
          <input
            id={inputId}
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value)
              setError(null)
            }}
            dir="auto"
            placeholder={t('placeholder')}
            aria-invalid={error !== null}
            aria-describedby={`${inputId}-hint${error ? ` ${inputId}-error` : ''}`}
            className="w-52 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm placeholder:text-slate-500 dark:border-slate-700 dark:bg-slate-950 dark:placeholder:text-slate-400"
          />
          <button
            type="submit"
            disabled={busy || connection.status !== 'open'}
            className="rounded-md bg-ws-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-ws-700 disabled:opacity-60"
          >
            {t('create')}
          </button>
        </form>
      </div>
      <p
        id={`${inputId}-hint`}
        className="border-b border-slate-200 px-4 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400"
      >
        {t('hint', { max: ROOM_NAME_MAX_GRAPHEMES })}
      </p>
      {error && (
        <p
          id={`${inputId}-error`}
          role="alert"
          data-testid="room-name-error"
          className="border-b border-slate-200 px-4 py-2 text-sm text-red-700 dark:border-slate-800 dark:text-red-300"
        >
          {error}
        </p>
      )}
      {rooms === null ? (
        <ul
          aria-busy="true"
          aria-label={t('loading')}
          className="divide-y divide-slate-100 dark:divide-slate-800"
        >
          {[0, 1, 2].map((i) => (
            <li key={i} className="flex h-14 items-center px-4">
              <span className="h-3 w-32 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
            </li>
          ))}
        </ul>
      ) : rooms.length === 0 ? (
        <p className="px-4 py-10 text-center text-sm text-slate-500 dark:text-slate-400">
          {t('empty')}
        </p>
      ) : (
        <ul aria-label={t('list')} className="divide-y divide-slate-100 dark:divide-slate-800">
          {rooms.map((room) => (
            <li key={room.id}>
              <Link
                href={`/chat/${room.id}`}
                className="flex h-14 items-center gap-3 px-4 hover:bg-slate-50 dark:hover:bg-slate-800/60"
              >
                <span
                  aria-hidden
                  className="grid size-8 place-items-center rounded-md bg-ws-100 font-mono text-sm font-bold text-ws-700 dark:bg-ws-700/30 dark:text-ws-100"
                >
                  #
                </span>
                <span className="min-w-0 flex-1 truncate font-medium" dir="auto" translate="no">
                  {room.name}
                </span>
                <span className="flex items-center gap-1.5 text-xs text-slate-500 dark:text-slate-400">
                  <span
                    aria-hidden
                    className={`size-2 rounded-full ${room.online > 0 ? 'bg-emerald-500' : 'bg-slate-300 dark:bg-slate-600'}`}
                  />
                  {t('online', { count: room.online })}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
