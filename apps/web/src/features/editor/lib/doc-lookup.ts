import { DocLookupSchema, type DocLookup } from '@duplex/protocol/collab'
import { realtimeAuthToken } from '@/shared/lib/realtime-auth'

/**
 * `GET /api/docs/<name>` on the realtime server: the document, or what became of its name
 * (deleted or renamed, by whom, when). Null when the server cannot say right now (unreachable,
 * database down, an answer this page does not understand): the caller carries on without it.
 */
export async function lookupDoc(baseUrl: string, name: string): Promise<DocLookup | null> {
  try {
    const token = await realtimeAuthToken(baseUrl)
    const response = await fetch(`${baseUrl}/api/docs/${encodeURIComponent(name)}`, {
      credentials: 'include',
      cache: 'no-store',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    })
    if (!response.ok) return null
    const parsed = DocLookupSchema.safeParse(await response.json())
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
