'use client'

import { DocNameSchema, type DocInfo } from '@duplex/protocol/collab'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useTranslations } from 'next-intl'
import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { useOriginRefusal } from '@/shared/hooks/use-origin-refusal'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'
import { useSession } from '@/shared/hooks/use-session'
import { OriginRefused } from '@/shared/ui/session/origin-refused'
import { UserMenu } from '@/shared/ui/session/user-menu'
import { SyncGuide } from './sync-guide'
import { useFormatTime } from '../hooks/use-format-time'
import {
  useRealtimeDocs,
  type CreateDocResult,
  type DocsProblem,
} from '@/features/editor/hooks/use-realtime-docs'

const rowButton =
  'rounded px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'

type Translate = ReturnType<typeof useTranslations<'editor.list'>>

/** A failed request about documents, in the reader's language. */
export function describeProblem(t: Translate, problem: DocsProblem): string {
  switch (problem.kind) {
    case 'unreachable':
      return t('problem.unreachable', { url: problem.url })
    case 'unexpected':
      return t('problem.unexpected', { status: problem.status })
    case 'api':
      switch (problem.code) {
        case 'forbidden':
          return t('problem.forbidden')
        case 'unavailable':
          return t('problem.unavailable')
        case 'conflict':
          return t('problem.conflict')
        case 'limit_reached':
          return t('problem.limitReached')
        case 'rate_limited':
          return t('problem.rateLimited')
        default:
          return t('problem.other', { message: problem.message })
      }
  }
}

/** Whether the signed-in user may rename and delete `doc`, and if not, why, in words. */
function permissionOf(t: Translate, doc: DocInfo, userId: string | undefined) {
  if (doc.owner === null) return { mine: false, label: t('noOwner'), hint: t('noOwnerHint') }
  if (doc.owner.id === userId) return { mine: true, label: '', hint: '' }
  const owner = doc.owner.name || t('someone')
  // A person's name is content, not interface: isolated and left untranslated.
  const name = (chunks: ReactNode) => <bdi translate="no">{chunks}</bdi>
  return {
    mine: false,
    label: t.rich('ownerOnly', { owner, name }),
    hint: t.rich('ownerOnlyHint', { owner, name }),
  }
}

/**
 * One document: open it; rename or delete it in place (with a confirm step for delete) when it is
 * yours, or see who may.
 */
function DocRow({
  doc,
  now,
  userId,
  rename,
  remove,
}: {
  doc: DocInfo
  now: number
  userId: string | undefined
  rename: (from: string, to: string) => Promise<CreateDocResult>
  remove: (name: string) => Promise<{ ok: true } | { ok: false; problem: DocsProblem }>
}) {
  const t = useTranslations('editor.list')
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view')
  const [draft, setDraft] = useState(doc.name)
  const [problem, setProblem] = useState<string | null>(null)
  const inputId = useId()
  const permission = permissionOf(t, doc, userId)
  const { date } = useFormatTime()

  const onRename = async (event: FormEvent) => {
    event.preventDefault()
    const parsed = DocNameSchema.safeParse(toDocName(draft))
    if (!parsed.success) {
      setProblem(t('badName'))
      return
    }
    const result = await rename(doc.name, parsed.data)
    if (!result.ok) setProblem(describeProblem(t, result.problem))
    else setMode('view')
  }

  return (
    <li data-testid="doc-row" data-name={doc.name} className="px-4 py-2">
      {mode === 'rename' ? (
        <form onSubmit={onRename} className="flex flex-wrap items-center gap-2">
          <label htmlFor={inputId} className="sr-only">
            {t('newNameLabel', { name: doc.name })}
          </label>
          <input
            id={inputId}
            value={draft}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950"
          />
          <button type="submit" className={rowButton}>
            {t('save')}
          </button>
          <button type="button" className={rowButton} onClick={() => setMode('view')}>
            {t('cancel')}
          </button>
        </form>
      ) : (
        <div className="flex items-center gap-3">
          <Link
            href={`/editor/${doc.name}`}
            className="flex min-w-0 flex-1 items-center gap-3 rounded-md py-1 hover:bg-slate-50 dark:hover:bg-slate-800/60"
          >
            <span
              aria-hidden
              className="grid size-8 shrink-0 place-items-center rounded-md bg-ws-100 text-sm text-ws-700 dark:bg-ws-700/30 dark:text-ws-100"
            >
              ¶
            </span>
            <span className="min-w-0 flex-1">
              <span className="block truncate font-medium" translate="no">
                {doc.name}
              </span>
              <span
                className="block truncate text-xs text-slate-500 dark:text-slate-400"
                data-testid="doc-preview"
                dir="auto"
                translate="no"
              >
                {doc.preview || t('emptyPreview')}
              </span>
            </span>
            <span className="hidden shrink-0 text-xs text-slate-500 sm:inline dark:text-slate-400">
              {edited(t, doc.updatedAt, now, date)}
            </span>
          </Link>
          {!permission.mine ? (
            <span
              data-testid="doc-owner-only"
              className="max-w-40 shrink-0 text-right text-xs text-slate-500 dark:text-slate-400"
            >
              {permission.label}
              <span className="sr-only">. {permission.hint}</span>
            </span>
          ) : mode === 'confirm-delete' ? (
            <>
              <button
                type="button"
                className={`${rowButton} text-red-700 dark:text-red-300`}
                onClick={async () => {
                  const result = await remove(doc.name)
                  if (!result.ok) setProblem(describeProblem(t, result.problem))
                }}
              >
                {t('confirmDelete', { name: doc.name })}
              </button>
              <button type="button" className={rowButton} onClick={() => setMode('view')}>
                {t('keep')}
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                className={rowButton}
                aria-label={t('renameLabel', { name: doc.name })}
                onClick={() => {
                  setDraft(doc.name)
                  setProblem(null)
                  setMode('rename')
                }}
              >
                {t('rename')}
              </button>
              <button
                type="button"
                className={rowButton}
                aria-label={t('deleteLabel', { name: doc.name })}
                onClick={() => setMode('confirm-delete')}
              >
                {t('delete')}
              </button>
            </>
          )}
        </div>
      )}
      {problem && (
        <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-300">
          {problem}
        </p>
      )}
    </li>
  )
}

function edited(t: Translate, ts: number, now: number, date: (at: number) => string): string {
  const seconds = Math.max(0, Math.round((now - ts) / 1000))
  if (seconds < 45) return t('editedJustNow')
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return t('editedMinutes', { minutes })
  const hours = Math.round(minutes / 60)
  if (hours < 24) return t('editedHours', { hours })
  return t('editedOn', { date: date(ts) })
}

/** "Meeting notes" → "meeting-notes". */
function toDocName(input: string): string {
  return input
    .trim()
    .replace(/\s+/g, '-')
    .replace(/[^A-Za-z0-9_-]/g, '')
    .slice(0, 64)
}

export function DocList() {
  const t = useTranslations('editor.list')
  const { session } = useSession()
  const { docs, problem, hasMore, loadingMore, loadMore, create, rename, remove } =
    useRealtimeDocs()
  // A list that cannot load may be refused by origin: that is said as such, with the fix.
  const originRefusal = useOriginRefusal(useRealtimeUrl(), problem?.kind === 'unreachable' ? 1 : 0)
  const router = useRouter()
  const [draft, setDraft] = useState('')
  const [formError, setFormError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const inputId = useId()
  const name = toDocName(draft)
  const now = Date.now()

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const parsed = DocNameSchema.safeParse(name)
    if (!parsed.success) {
      setFormError(t('badName'))
      return
    }
    setBusy(true)
    setFormError(null)
    const result = await create(parsed.data)
    setBusy(false)
    // An existing name is not a dead end: open it.
    if (!result.ok && !(result.problem.kind === 'api' && result.problem.code === 'conflict')) {
      setFormError(describeProblem(t, result.problem))
      return
    }
    setDraft('')
    router.push(`/editor/${parsed.data}`)
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <section
        aria-labelledby="docs-title"
        className="min-w-0 rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900"
      >
        <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
          <h2 id="docs-title" className="font-semibold">
            {t('title')}
          </h2>
          <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2" noValidate>
            <label htmlFor={inputId} className="sr-only">
              {t('newLabel')}
            </label>
            <input
              id={inputId}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder="meeting-notes"
              aria-invalid={formError !== null}
              aria-describedby={formError ? `${inputId}-error` : undefined}
              className="w-48 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm placeholder:text-slate-500 dark:border-slate-700 dark:bg-slate-950 dark:placeholder:text-slate-400"
            />
            <button
              type="submit"
              disabled={busy}
              className="rounded-md bg-ws-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-ws-700 disabled:opacity-60"
            >
              {t('newButton')}
            </button>
          </form>
          <div className="ml-auto">
            <UserMenu />
          </div>
        </div>
        <p className="border-b border-slate-200 px-4 py-2 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
          {t('rule')}
        </p>
        {formError && (
          <p
            id={`${inputId}-error`}
            role="alert"
            className="border-b border-slate-200 px-4 py-2 text-sm text-red-700 dark:border-slate-800 dark:text-red-300"
          >
            {formError}
          </p>
        )}
        {originRefusal ? (
          <div className="border-b border-slate-200 p-3 dark:border-slate-800">
            <OriginRefused refusal={originRefusal} />
          </div>
        ) : (
          problem && (
            <p
              role="alert"
              className="border-b border-slate-200 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-slate-800 dark:bg-amber-950 dark:text-amber-100"
            >
              {describeProblem(t, problem)}
            </p>
          )
        )}
        {docs === null ? (
          <ul
            aria-busy="true"
            aria-label={t('loading')}
            className="divide-y divide-slate-100 dark:divide-slate-800"
          >
            {[0, 1, 2].map((i) => (
              <li key={i} className="flex h-14 items-center px-4">
                <span className="h-3 w-40 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />
              </li>
            ))}
          </ul>
        ) : docs.length === 0 ? (
          <p className="px-4 py-10 text-center text-sm text-slate-500 dark:text-slate-400">
            {t('empty')}
          </p>
        ) : (
          <>
            <ul aria-label={t('title')} className="divide-y divide-slate-100 dark:divide-slate-800">
              {docs.map((doc) => (
                <DocRow
                  key={doc.name}
                  doc={doc}
                  now={now}
                  userId={session?.user.id}
                  rename={rename}
                  remove={remove}
                />
              ))}
            </ul>
            {hasMore && (
              <div className="border-t border-slate-200 px-4 py-3 text-center dark:border-slate-800">
                <button
                  type="button"
                  className={rowButton}
                  disabled={loadingMore}
                  onClick={() => void loadMore()}
                >
                  {loadingMore ? t('loadingMore') : t('loadMore')}
                </button>
              </div>
            )}
          </>
        )}
      </section>
      <SyncGuide />
    </div>
  )
}
