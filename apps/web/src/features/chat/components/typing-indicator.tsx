'use client'

import { useTranslations } from 'next-intl'
import type { ReactNode } from 'react'
import type { TypingUser } from '../lib/chat-state'

const BDI = (chunks: ReactNode) => <bdi>{chunks}</bdi>

/** One fixed-height line, so the composer never jumps when someone starts or stops typing. */
export function TypingIndicator({ typing }: { typing: TypingUser[] }) {
  const t = useTranslations('chat.typing')
  const [a = '', b = ''] = typing.map((user) => user.userName)
  const sentence =
    typing.length === 1
      ? t.rich('one', { a, bdi: BDI })
      : typing.length === 2
        ? t.rich('two', { a, b, bdi: BDI })
        : t('many', { count: typing.length })
  return (
    <div
      aria-live="polite"
      data-testid="typing-indicator"
      className="flex h-6 shrink-0 items-center gap-2 px-4 text-xs text-slate-600 dark:text-slate-300"
    >
      {typing.length > 0 && (
        <>
          <span aria-hidden className="flex gap-0.5">
            {[0, 150, 300].map((delay) => (
              <span
                key={delay}
                className="size-1 animate-bounce rounded-full bg-slate-400 motion-reduce:animate-none"
                style={{ animationDelay: `${delay}ms` }}
              />
            ))}
          </span>
          {sentence}
        </>
      )}
    </div>
  )
}
