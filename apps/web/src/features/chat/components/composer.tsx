'use client'

import { CHAT_MAX_LENGTH_DEFAULT, chatTextLength } from '@duplex/protocol/chat'
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react'

/**
 * The message box. Enter sends, Shift+Enter starts a new line; an IME composition (Chinese,
 * Japanese…) is never cut short by its confirming Enter. Length is counted in code points, the
 * way the server counts it.
 */
export function Composer({
  roomId,
  disabled,
  connected,
  onSend,
  onTyping,
  onStopTyping,
}: {
  roomId: string
  disabled: boolean
  connected: boolean
  onSend: (text: string) => void
  onTyping: () => void
  onStopTyping: () => void
}) {
  const [draft, setDraft] = useState('')
  const id = useId()
  const length = chatTextLength(draft)
  const tooLong = length > CHAT_MAX_LENGTH_DEFAULT
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
      className="flex shrink-0 items-end gap-2 border-t border-slate-200 p-3 dark:border-slate-800"
    >
      <div className="min-w-0 flex-1">
        <label htmlFor={id} className="sr-only">
          Message #{roomId}
        </label>
        <textarea
          id={id}
          rows={2}
          value={draft}
          disabled={disabled}
          onChange={(e) => {
            setDraft(e.target.value)
            if (e.target.value.trim() === '') onStopTyping()
            else onTyping()
          }}
          onBlur={onStopTyping}
          onKeyDown={onKeyDown}
          aria-describedby={`${id}-hint`}
          aria-invalid={tooLong}
          placeholder={`Message #${roomId}`}
          className="block max-h-40 min-h-[2.75rem] w-full resize-y rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm placeholder:text-slate-500 dark:border-slate-700 dark:bg-slate-950 dark:placeholder:text-slate-400"
        />
        <p
          id={`${id}-hint`}
          className="mt-1 flex justify-between gap-2 text-[11px] text-slate-500 dark:text-slate-400"
        >
          <span>
            {connected
              ? 'Enter to send, Shift+Enter for a new line'
              : 'Offline: messages wait and go out on reconnect'}
          </span>
          <span
            className={tooLong ? 'font-semibold text-red-700 dark:text-red-300' : ''}
            aria-live="polite"
          >
            {length > CHAT_MAX_LENGTH_DEFAULT * 0.8 ? `${length}/${CHAT_MAX_LENGTH_DEFAULT}` : ''}
          </span>
        </p>
      </div>
      <button
        type="submit"
        disabled={disabled || empty || tooLong}
        className="mb-5 rounded-lg bg-ws-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-ws-700 disabled:cursor-not-allowed disabled:opacity-50"
      >
        Send
      </button>
    </form>
  )
}
