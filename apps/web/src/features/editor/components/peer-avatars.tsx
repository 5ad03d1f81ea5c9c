import type { CollabPeer } from '@/features/editor/hooks/use-collab-doc'
import { initials } from '@/shared/lib/realtime-colors'

/** Everyone with the document open (one avatar per tab), in their cursor colour. */
export function PeerAvatars({ peers }: { peers: CollabPeer[] }) {
  const shown = peers.slice(0, 6)
  return (
    <div className="flex items-center gap-2">
      <ul aria-label="People in this document" data-testid="peer-list" className="flex -space-x-2">
        {shown.map((peer) => (
          <li
            key={peer.clientId}
            title={peer.self ? `${peer.name} (you)` : peer.name}
            style={{ backgroundColor: peer.color }}
            className="grid size-8 place-items-center rounded-full text-xs font-semibold text-white ring-2 ring-white dark:ring-slate-900"
          >
            <span aria-hidden>{initials(peer.name)}</span>
            <span className="sr-only">{peer.self ? `${peer.name} (you)` : peer.name}</span>
          </li>
        ))}
      </ul>
      <span className="text-sm text-slate-600 dark:text-slate-300" data-testid="peer-count">
        {peers.length === 0 ? 'Just you' : `${peers.length} here`}
        {peers.length > shown.length && ` (+${peers.length - shown.length})`}
      </span>
    </div>
  )
}
