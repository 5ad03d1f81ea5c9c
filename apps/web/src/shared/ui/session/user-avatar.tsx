import { initials, userColor } from '@/shared/lib/realtime-colors'

const SIZES = { sm: 'size-6 text-[10px]', md: 'size-8 text-xs', lg: 'size-10 text-sm' } as const

/** A round badge with a user's initials in their colour (the same colour as their cursor). */
export function UserAvatar({
  userId,
  name,
  size = 'md',
  ring = false,
}: {
  userId: string
  name: string
  size?: keyof typeof SIZES
  ring?: boolean
}) {
  return (
    <span
      aria-hidden
      title={name}
      style={{ backgroundColor: userColor(userId).color }}
      className={`inline-grid shrink-0 place-items-center rounded-full font-semibold text-white select-none ${SIZES[size]} ${
        ring ? 'ring-2 ring-white dark:ring-slate-900' : ''
      }`}
    >
      {initials(name)}
    </span>
  )
}
