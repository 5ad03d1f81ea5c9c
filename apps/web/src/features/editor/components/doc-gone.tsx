'use client'

import type { DocOwner } from '@duplex/protocol/collab'
import Link from 'next/link'
import { useTranslations } from 'next-intl'
import { useState, type ReactNode } from 'react'
import type { DocGoneState } from '../hooks/use-collab-doc'
import { useFormatTime } from '../hooks/use-format-time'

const action =
  'rounded-md px-2.5 py-1 text-sm font-medium ring-1 ring-amber-400 hover:bg-amber-100 dark:ring-amber-700 dark:hover:bg-amber-900'

/** A person's name inside a sentence, laid out by its own direction. */
const nameTag = (chunks: ReactNode) => <bdi className="font-semibold">{chunks}</bdi>

/**
 * The open document was deleted or renamed by someone: says who and when, says the page is
 * read-only now, and offers the renamed document, or (after a delete, when nothing else is left)
 * a copy of the text as this page has it.
 */
export function DocGoneNotice({
  docName,
  gone,
  text,
}: {
  docName: string
  gone: DocGoneState
  /** The text as this page shows it, for the copy and the download. */
  text: () => string
}) {
  const t = useTranslations('editor.doc')
  const { dateTime } = useFormatTime()
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const who = gone.by?.name || t('someone')
  const when = {
    hasTime: gone.at === undefined ? 'no' : 'yes',
    time: gone.at === undefined ? '' : dateTime(gone.at),
  }

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text())
      setCopied('yes')
    } catch {
      setCopied('failed')
    }
  }

  const download = () => {
    const url = URL.createObjectURL(new Blob([text()], { type: 'text/markdown;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = `${docName}.md`
    link.click()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }

  return (
    <div
      role="alert"
      data-testid="doc-gone"
      data-kind={gone.kind}
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      <p>
        {gone.kind === 'deleted'
          ? t.rich('gone.deleted', { who, ...when, name: nameTag })
          : t.rich('gone.renamed', {
              who,
              ...when,
              to: gone.to,
              name: nameTag,
              link: (chunks) => (
                <Link className="font-semibold underline" href={`/editor/${gone.to}`}>
                  {chunks}
                </Link>
              ),
            })}
      </p>
      <p data-testid="doc-read-only">
        {gone.kind === 'deleted' ? t('gone.readOnlyDeleted') : t('gone.readOnly')}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        {gone.kind === 'renamed' && (
          <Link
            href={`/editor/${gone.to}`}
            className="rounded-md bg-amber-600 px-2.5 py-1 text-sm font-semibold text-white hover:bg-amber-700"
          >
            {t('gone.open', { to: gone.to })}
          </Link>
        )}
        <button type="button" className={action} onClick={() => void copy()}>
          {t('gone.copy')}
        </button>
        <button type="button" className={action} onClick={download}>
          {t('gone.download')}
        </button>
        <Link className="underline" href="/editor">
          {t('gone.back')}
        </Link>
      </div>
      {copied && (
        <p role="status" data-testid="doc-copied">
          {copied === 'yes' ? t('gone.copied') : t('gone.copyFailed')}
        </p>
      )}
    </div>
  )
}

/** On the new name, after following a rename: where the visitor came from, and who renamed it. */
export function RenamedFrom({
  from,
  to,
}: {
  from: { name: string; by: DocOwner | null }
  to: string
}) {
  const t = useTranslations('editor.doc')
  return (
    <p
      role="status"
      data-testid="doc-renamed-from"
      className="rounded-lg border border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100"
    >
      {t.rich('lookup.renamedFrom', {
        from: from.name,
        to,
        who: from.by?.name || t('someone'),
        name: nameTag,
      })}
    </p>
  )
}
