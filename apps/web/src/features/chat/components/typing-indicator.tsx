import type { TypingUser } from '../lib/chat-state'

function sentence(typing: TypingUser[]): string {
  const names = typing.map((t) => t.userName)
  if (names.length === 1) return `${names[0]} is typing…`
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`
  return `${names.length} people are typing…`
}

/** One fixed-height line, so the composer never jumps when someone starts or stops typing. */
export function TypingIndicator({ typing }: { typing: TypingUser[] }) {
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
          {sentence(typing)}
        </>
      )}
    </div>
  )
}
