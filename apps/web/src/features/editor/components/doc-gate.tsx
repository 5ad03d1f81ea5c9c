'use client'

import type { DocFate, DocOwner } from '@duplex/protocol/collab'
import Link from 'next/link'
import { useRouter, useSearchParams } from 'next/navigation'
import { useTranslations } from 'next-intl'
import { useEffect, useState, type ReactNode } from 'react'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { useFormatTime } from '../hooks/use-format-time'
import { useRealtimeDocs } from '../hooks/use-realtime-docs'
import { lookupDoc } from '../lib/doc-lookup'
import { CollabEditor } from './collab-editor'
import { describeProblem } from './doc-list'

/** The query parameter a followed rename leaves on the new URL: `?from=<old name>`. */
const FROM_PARAM = 'from'

const nameTag = (chunks: ReactNode) => <bdi className="font-semibold">{chunks}</bdi>

type Gate =
  | { state: 'checking' }
  | { state: 'open'; renamedFrom?: { name: string; by: DocOwner | null } | undefined }
  | { state: 'deleted'; fate: Extract<DocFate, { kind: 'deleted' }> }

/**
 * Asks the realtime server what `/editor/<name>` is before opening it: a document (open it), a
 * name renamed away (go to the new name, saying so), a deleted one (say who deleted it, and offer
 * to create a new document of that name on purpose), or a name nobody has used (open it: the
 * first edit creates it). When the server cannot say, the editor opens and tells its own story.
 */
export function DocGate({ docName }: { docName: string }) {
  const base = useRealtimeUrl()
  const router = useRouter()
  const from = useSearchParams().get(FROM_PARAM)
  const [gate, setGate] = useState<Gate>({ state: 'checking' })

  useEffect(() => {
    if (!base) return
    let live = true
    setGate({ state: 'checking' })
    void (async () => {
      const here = await lookupDoc(base, docName)
      if (!live) return
      const fate = here?.doc ? null : here?.gone
      if (fate?.kind === 'renamed') {
        router.replace(`/editor/${fate.to}?${FROM_PARAM}=${encodeURIComponent(docName)}`)
        return
      }
      if (fate?.kind === 'deleted') {
        setGate({ state: 'deleted', fate })
        return
      }
      // Arrived by a rename: say from where, and by whom.
      const old = from ? await lookupDoc(base, from) : null
      if (!live) return
      const renamed = old?.gone?.kind === 'renamed' ? old.gone : null
      setGate({
        state: 'open',
        renamedFrom: from && renamed ? { name: from, by: renamed.by } : undefined,
      })
    })()
    return () => {
      live = false
    }
  }, [base, docName, from, router])

  if (gate.state === 'open')
    return <CollabEditor docName={docName} renamedFrom={gate.renamedFrom} />
  if (gate.state === 'deleted') {
    return (
      <DeletedDoc docName={docName} fate={gate.fate} onCreated={() => setGate({ state: 'open' })} />
    )
  }
  return <Checking />
}

function Checking() {
  const t = useTranslations('editor.doc.lookup')
  return (
    <div
      aria-busy="true"
      aria-label={t('checking')}
      className="h-96 animate-pulse rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    />
  )
}

/** A deleted document's URL: who deleted it and when, and a deliberate way to start anew. */
function DeletedDoc({
  docName,
  fate,
  onCreated,
}: {
  docName: string
  fate: Extract<DocFate, { kind: 'deleted' }>
  onCreated: () => void
}) {
  const t = useTranslations('editor.doc')
  const tList = useTranslations('editor.list')
  const { dateTime } = useFormatTime()
  const { create } = useRealtimeDocs()
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  const recreate = async () => {
    setBusy(true)
    setProblem(null)
    const result = await create(docName)
    setBusy(false)
    // Someone else made it meanwhile: it is a document again, open it.
    if (result.ok || (result.problem.kind === 'api' && result.problem.code === 'conflict')) {
      onCreated()
    } else setProblem(describeProblem(tList, result.problem))
  }

  return (
    <section
      data-testid="doc-deleted"
      aria-labelledby="doc-deleted-title"
      className="max-w-2xl space-y-3 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="doc-deleted-title" className="text-lg font-semibold">
        {t('lookup.deletedTitle')}
      </h2>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {t.rich('lookup.deletedBody', {
          who: fate.by?.name || t('someone'),
          doc: docName,
          hasTime: 'yes',
          time: dateTime(fate.at),
          name: nameTag,
        })}
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          disabled={busy}
          onClick={() => void recreate()}
          className="rounded-md bg-ws-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-ws-700 disabled:opacity-60"
        >
          {t('lookup.recreate', { doc: docName })}
        </button>
        <Link href="/editor" className="text-sm underline">
          {t('gone.back')}
        </Link>
      </div>
      {problem && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {problem}
        </p>
      )}
    </section>
  )
}
