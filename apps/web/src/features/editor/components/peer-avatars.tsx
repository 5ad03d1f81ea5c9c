import { useTranslations } from 'next-intl'
import type { CollabPeer } from '@/features/editor/hooks/use-collab-doc'
import { initialOf } from '../lib/initial'

/** Everyone with the document open (one avatar per tab), in their cursor colour. */
export function PeerAvatars({ peers }: { peers: CollabPeer[] }) {
  const t = useTranslations('editor.doc.peers')
  const shown = peers.slice(0, 6)
  return (
    <div className="flex items-center gap-2">
      <ul aria-label={t('label')} data-testid="peer-list" className="flex -space-x-2">
        {shown.map((peer) => {
          const who = peer.self ? t('you', { name: peer.name }) : peer.name
          return (
            <li
              key={peer.clientId}
              title={who}
              style={{ backgroundColor: peer.color }}
              className="grid size-8 place-items-center rounded-full text-xs font-semibold text-white ring-2 ring-white dark:ring-slate-900"
            >
              <span aria-hidden>{initialOf(peer.name)}</span>
              <span className="sr-only">
                <bdi>{who}</bdi>
              </span>
            </li>
          )
        })}
      </ul>
      <span className="text-sm text-slate-600 dark:text-slate-300" data-testid="peer-count">
        {peers.length === 0 ? t('justYou') : t('here', { count: peers.length })}
        {peers.length > shown.length && ` ${t('more', { count: peers.length - shown.length })}`}
      </span>
    </div>
  )
}
