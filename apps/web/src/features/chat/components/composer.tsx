'use client'

import { CHAT_MAX_LENGTH_DEFAULT, chatTextLength } from '@duplex/protocol/chat'
import { useTranslations } from 'next-intl'
import { useId, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react'

/**
 * The message box. Enter sends, Shift+Enter starts a new line; an IME composition (Chinese,
 * Japanese…) is never cut short by its confirming Enter. Length is counted in code points, the
 * way the server counts it. Past the limit the counter and the reason Send is disabled show right
 * beside the box, not below the window.
 */
export function Composer({
  ref,
  roomName,
  disabled,
  connected,
  onSend,
  onTyping,
  onStopTyping,
}: {
  ref?: Ref<HTMLTextAreaElement>
  roomName: string
  disabled: boolean
  connected: boolean
  onSend: (text: string) => void
  onTyping: () => void
  onStopTyping: () => void
}) {
  const t = useTranslations('chat.composer')
  const [draft, setDraft] = useState('')
  const id = useId()
  const length = chatTextLength(draft)
  const max = CHAT_MAX_LENGTH_DEFAULT
  const tooLong = length > max
  const empty = draft.trim() === ''

  const submit = () => {
    if (empty || tooLong || disabled) return
    onSend(draft)
    setDraft('')
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      submit()
    }
  }

  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault()
        submit()
      }}
      data-testid="composer"
      className="shrink-0 border-t border-slate-200 p-3 dark:border-slate-800"
    >
      <div className="flex items-end gap-2">
        <div className="min-w-0 flex-1">
          <label htmlFor={id} className="sr-only">
            {t('label', { room: roomName })}
          </label>
          <textarea
            ref={ref}
            id={id}
            rows={2}
            dir="auto"
            value={draft}
            disabled={disabled}
            onChange={(e) => {
              setDraft(e.target.value)
              if (e.target.value.trim() === '') onStopTyping()
              else onTyping()
            }}
            onBlur={onStopTyping}
            onKeyDown={onKeyDown}
            aria-describedby={`${id}-hint${tooLong ? ` ${id}-too-long` : ''}`}
            aria-invalid={tooLong}
            placeholder={t('placeholder', { room: roomName })}
            className="block max-h-40 min-h-[2.75rem] w-full resize-y rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm placeholder:text-slate-500 dark:border-slate-700 dark:bg-slate-950 dark:placeholder:text-slate-400"
          />
        </div>
        <button
          type="submit"
          disabled={disabled || empty || tooLong}
          aria-describedby={tooLong ? `${id}-too-long` : undefined}
          className="rounded-lg bg-ws-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-ws-700 disabled:cursor-not-allowed disabled:opacity-50"
        >
          {t('send')}
        </button>
      </div>
      <p
        id={`${id}-hint`}
        className="mt-1 flex justify-between gap-2 text-[11px] text-slate-500 dark:text-slate-400"
      >
        <span>{connected ? t('hintOnline') : t('hintOffline')}</span>
        <span
          data-testid="composer-counter"
          className={`tabular-nums ${tooLong ? 'font-semibold text-red-700 dark:text-red-300' : ''}`}
          aria-live="polite"
        >
          {length > max * 0.8 ? t('counter', { length, max }) : ''}
        </span>
      </p>
      {tooLong && (
        <p
          id={`${id}-too-long`}
          data-testid="composer-too-long"
          className="mt-1 text-xs font-medium text-red-700 dark:text-red-300"
        >
          {t('tooLong', { over: length - max, max })}
        </p>
      )}
    </form>
  )
}
