'use client'

import { ApiErrorSchema } from '@duplex/protocol/errors'
import { CreatedDocSchema, DocListSchema, type DocInfo } from '@duplex/protocol/collab'
import { useCallback, useEffect, useState } from 'react'
import { realtimeAuthToken } from '@/shared/lib/realtime-auth'
import { useRealtimeUrl } from '@/shared/hooks/use-realtime-url'

export type CreateDocResult =
  { ok: true; doc: DocInfo } | { ok: false; code: string; message: string }

/** How often the open list asks for changes. */
const LIST_REFRESH_MS = 3000

async function call(url: string, init: RequestInit = {}): Promise<Response> {
  // The cookie goes along by itself to the same host; another host needs the token spelled out.
  const token = await realtimeAuthToken(url)
  return fetch(url, {
    ...init,
    credentials: 'include',
    cache: 'no-store',
    headers: { ...init.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  })
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = ApiErrorSchema.safeParse(await response.json().catch(() => null))
  return body.success
    ? { code: body.data.error.code, message: body.data.error.message }
    : { code: 'internal', message: `The realtime server answered ${response.status}.` }
}

/**
 * The realtime server's document list (`GET /api/docs`, most recently edited first) and
 * `POST /api/docs` to create one. Plain HTTP: listing documents needs no socket.
 */
export function useRealtimeDocs() {
  const base = useRealtimeUrl()
  const [docs, setDocs] = useState<DocInfo[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  const reload = useCallback(async () => {
    if (!base) return
    try {
      const response = await call(`${base}/api/docs`)
      if (!response.ok) {
        const problem = await errorOf(response)
        setError(`${problem.code}: ${problem.message}`)
        return
      }
      const parsed = DocListSchema.safeParse(await response.json())
      if (!parsed.success) {
        setError('The realtime server sent an unexpected document list.')
        return
      }
      setDocs(parsed.data.docs)
      setError(null)
    } catch {
      setError(`Could not reach the realtime server at ${base}.`)
    }
  }, [base])

  useEffect(() => {
    void reload()
    // Live enough to see someone else's new, renamed or deleted document, like the chat lobby's
    // refresh; and at once when the tab comes back into view.
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

  /** `PATCH /api/docs/<name>`; open editors of it are sent to the new name. */
  const rename = useCallback(
    async (from: string, to: string): Promise<CreateDocResult> => {
      if (!base) return { ok: false, code: 'internal', message: 'Not ready yet.' }
      try {
        const response = await call(`${base}/api/docs/${encodeURIComponent(from)}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: to }),
        })
        if (!response.ok) return { ok: false, ...(await errorOf(response)) }
        const parsed = CreatedDocSchema.safeParse(await response.json())
        if (!parsed.success) return { ok: false, code: 'internal', message: 'Unexpected answer.' }
        await reload()
        return { ok: true, doc: parsed.data.doc }
      } catch {
        return {
          ok: false,
          code: 'internal',
          message: `Could not reach the realtime server at ${base}.`,
        }
      }
    },
    [base, reload],
  )

  /** `DELETE /api/docs/<name>`; open editors of it are closed. */
  const remove = useCallback(
    async (name: string): Promise<{ ok: true } | { ok: false; message: string }> => {
      if (!base) return { ok: false, message: 'Not ready yet.' }
      try {
        const response = await call(`${base}/api/docs/${encodeURIComponent(name)}`, {
          method: 'DELETE',
        })
        if (!response.ok && response.status !== 404)
          return { ok: false, message: (await errorOf(response)).message }
        setDocs((list) => (list ?? []).filter((d) => d.name !== name))
        return { ok: true }
      } catch {
        return { ok: false, message: `Could not reach the realtime server at ${base}.` }
      }
    },
    [base],
  )

  const create = useCallback(
    async (name: string): Promise<CreateDocResult> => {
      if (!base) return { ok: false, code: 'internal', message: 'Not ready yet.' }
      try {
        const response = await call(`${base}/api/docs`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name }),
        })
        if (!response.ok) return { ok: false, ...(await errorOf(response)) }
        const parsed = CreatedDocSchema.safeParse(await response.json())
        if (!parsed.success) return { ok: false, code: 'internal', message: 'Unexpected answer.' }
        setDocs((list) => [
          parsed.data.doc,
          ...(list ?? []).filter((d) => d.name !== parsed.data.doc.name),
        ])
        return { ok: true, doc: parsed.data.doc }
      } catch {
        return {
          ok: false,
          code: 'internal',
          message: `Could not reach the realtime server at ${base}.`,
        }
      }
    },
    [base],
  )

  return { docs, error, create, rename, remove, reload }
}
