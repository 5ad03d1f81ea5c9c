'use client'

import { ApiErrorSchema } from '@duplex/protocol/errors'
import { CreatedDocSchema, DocListSchema, type DocInfo } from '@duplex/protocol/collab'
import { useCallback, useEffect, useRef, useState } from 'react'
import { realtimeAuthToken } from '@/shared/lib/realtime-auth'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'

/** Why a request about documents failed, for the page to put in words. */
export type DocsProblem =
  /** The realtime server answered with an error: `code` is the contract, `message` its words. */
  | { kind: 'api'; code: string; message: string; retryAfterMs?: number | undefined }
  /** No answer at all (network down, server not running, refused by CORS). */
  | { kind: 'unreachable'; url: string }
  /** An answer this page does not understand (another version of the server?). */
  | { kind: 'unexpected'; status: number }

export type CreateDocResult = { ok: true; doc: DocInfo } | { ok: false; problem: DocsProblem }

/**
 * How often the open list asks for changes, while the tab is visible. Each ask is a conditional
 * request: an unchanged first page is a 304 with no body.
 */
const LIST_REFRESH_MS = 5000

async function call(url: string, init: RequestInit = {}): Promise<Response> {
  // The cookie goes along by itself to the same host; another host needs the token spelled out.
  const token = await realtimeAuthToken(url)
  return fetch(url, {
    credentials: 'include',
    cache: 'no-store',
    ...init,
    headers: { ...init.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  })
}

async function problemOf(response: Response): Promise<DocsProblem> {
  const body = ApiErrorSchema.safeParse(await response.json().catch(() => null))
  return body.success
    ? { kind: 'api', ...body.data.error }
    : { kind: 'unexpected', status: response.status }
}

/**
 * The realtime server's document list (`GET /api/docs`, most recently edited first, one page at
 * a time) and what its owner may do with a document: create, rename, delete. Plain HTTP: listing
 * documents needs no socket.
 *
 * The first page is polled while the tab is visible (conditionally, so an unchanged list costs
 * a 304), and at once when the tab comes back; pages loaded with `loadMore` stay until the page
 * is reloaded, with the first page's copy of a document winning.
 */
export function useRealtimeDocs() {
  const base = useRealtimeUrl()
  const [firstPage, setFirstPage] = useState<DocInfo[] | null>(null)
  const [more, setMore] = useState<DocInfo[]>([])
  /** Where the next page starts: after the last page loaded. */
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [loadingMore, setLoadingMore] = useState(false)
  const [problem, setProblem] = useState<DocsProblem | null>(null)
  /** The first page as last received, to skip re-rendering an unchanged one. */
  const lastFirstPage = useRef<string | null>(null)
  const morePages = useRef(0)

  const reload = useCallback(async () => {
    if (!base) return
    try {
      // 'no-cache': the browser revalidates its copy (If-None-Match) instead of fetching anew.
      const response = await call(`${base}/api/docs`, { cache: 'no-cache' })
      if (!response.ok) {
        setProblem(await problemOf(response))
        return
      }
      const text = await response.text()
      const parsed = DocListSchema.safeParse(JSON.parse(text))
      if (!parsed.success) {
        setProblem({ kind: 'unexpected', status: response.status })
        return
      }
      setProblem(null)
      if (text === lastFirstPage.current) return
      lastFirstPage.current = text
      setFirstPage(parsed.data.docs)
      if (morePages.current === 0) setNextCursor(parsed.data.nextCursor)
    } catch {
      setProblem({ kind: 'unreachable', url: base })
    }
  }, [base])

  useEffect(() => {
    void reload()
    // Live enough to see someone else's new, renamed or deleted document, like the chat lobby's
    // refresh; never while the tab is hidden; and at once when it comes back into view.
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload()
    }, LIST_REFRESH_MS)
    const onVisible = () => {
      if (document.visibilityState === 'visible') void reload()
    }
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      clearInterval(timer)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [reload])

  /** Loads the page after the last one loaded (`?cursor=`). */
  const loadMore = useCallback(async () => {
    if (!base || nextCursor === null) return
    setLoadingMore(true)
    try {
      const response = await call(`${base}/api/docs?cursor=${encodeURIComponent(nextCursor)}`)
      if (!response.ok) {
        setProblem(await problemOf(response))
        return
      }
      const parsed = DocListSchema.safeParse(await response.json())
      if (!parsed.success) {
        setProblem({ kind: 'unexpected', status: response.status })
        return
      }
      morePages.current++
      setMore((docs) => [...docs, ...parsed.data.docs])
      setNextCursor(parsed.data.nextCursor)
      setProblem(null)
    } catch {
      setProblem({ kind: 'unreachable', url: base })
    } finally {
      setLoadingMore(false)
    }
  }, [base, nextCursor])

  const forget = useCallback((name: string) => {
    lastFirstPage.current = null
    setFirstPage((docs) => docs && docs.filter((doc) => doc.name !== name))
    setMore((docs) => docs.filter((doc) => doc.name !== name))
  }, [])

  /** `PATCH /api/docs/<name>` (the owner's only); open editors of it are sent to the new name. */
  const rename = useCallback(
    async (from: string, to: string): Promise<CreateDocResult> => {
      if (!base) return { ok: false, problem: { kind: 'unreachable', url: '' } }
      try {
        const response = await call(`${base}/api/docs/${encodeURIComponent(from)}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: to }),
        })
        if (!response.ok) return { ok: false, problem: await problemOf(response) }
        const parsed = CreatedDocSchema.safeParse(await response.json())
        if (!parsed.success) {
          return { ok: false, problem: { kind: 'unexpected', status: response.status } }
        }
        forget(from)
        await reload()
        return { ok: true, doc: parsed.data.doc }
      } catch {
        return { ok: false, problem: { kind: 'unreachable', url: base } }
      }
    },
    [base, reload, forget],
  )

  /** `DELETE /api/docs/<name>` (the owner's only); open editors of it are closed. */
  const remove = useCallback(
    async (name: string): Promise<{ ok: true } | { ok: false; problem: DocsProblem }> => {
      if (!base) return { ok: false, problem: { kind: 'unreachable', url: '' } }
      try {
        const response = await call(`${base}/api/docs/${encodeURIComponent(name)}`, {
          method: 'DELETE',
        })
        if (!response.ok && response.status !== 404)
          return { ok: false, problem: await problemOf(response) }
        forget(name)
        return { ok: true }
      } catch {
        return { ok: false, problem: { kind: 'unreachable', url: base } }
      }
    },
    [base, forget],
  )

  /** `POST /api/docs`: a new document owned by the signed-in user. */
  const create = useCallback(
    async (name: string): Promise<CreateDocResult> => {
      if (!base) return { ok: false, problem: { kind: 'unreachable', url: '' } }
      try {
        const response = await call(`${base}/api/docs`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name }),
        })
        if (!response.ok) return { ok: false, problem: await problemOf(response) }
        const parsed = CreatedDocSchema.safeParse(await response.json())
        if (!parsed.success) {
          return { ok: false, problem: { kind: 'unexpected', status: response.status } }
        }
        lastFirstPage.current = null
        setFirstPage((docs) => [
          parsed.data.doc,
          ...(docs ?? []).filter((d) => d.name !== parsed.data.doc.name),
        ])
        return { ok: true, doc: parsed.data.doc }
      } catch {
        return { ok: false, problem: { kind: 'unreachable', url: base } }
      }
    },
    [base],
  )

  const seen = new Set(firstPage?.map((doc) => doc.name))
  const docs = firstPage && [...firstPage, ...more.filter((doc) => !seen.has(doc.name))]

  return {
    docs,
    problem,
    hasMore: nextCursor !== null,
    loadingMore,
    loadMore,
    create,
    rename,
    remove,
    reload,
  }
}
