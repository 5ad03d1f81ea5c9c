import { isStoreUnavailable } from '@duplex/cluster'
import {
  CreateDocSchema,
  DOC_LIST_PAGE,
  DocListQuerySchema,
  DocNameSchema,
  RenameDocSchema,
  type CreatedDoc,
  type DocList,
  type DocLookup,
  type DocOwner,
} from '@duplex/protocol/collab'
import { ApiErrorCode, describeZodError, zodIssues, type ApiError } from '@duplex/protocol/errors'
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import {
  BodyError,
  readJsonBody,
  sendError,
  sendJson,
  sendSessionRefused,
  tokenFromRequest,
} from '../../shared/http.ts'
import type { VerifyToken } from '../../shared/feature.ts'
import type { DocCreation } from './doc-creation.ts'
import type { DocCursor, DocGone, DocStore } from './repository.ts'

export interface DocsRoutesDeps {
  store: DocStore
  verifyToken: VerifyToken
  /** The same quota and rate as opening a new document over `/yjs/<name>`. */
  creation: DocCreation
  /**
   * Once a delete or rename is stored: closes the document's open editors on this instance and
   * tells the other instances to close theirs (see `Collab.docGone`).
   */
  docGone: (name: string, generation: number, gone: DocGone) => Promise<void>
}

/** Path of the document list. */
const DOCS_PATH = '/api/docs'

/** What a client should wait before retrying while the database (or Redis) is down. */
export const UNAVAILABLE_RETRY_MS = 2000

/** The list's cursor: where the page before ended, as base64url JSON. Opaque to clients. */
const CursorSchema = z.object({ u: z.number().int(), n: DocNameSchema }).strict()

function encodeCursor(cursor: DocCursor): string {
  return Buffer.from(JSON.stringify({ u: cursor.updatedAt, n: cursor.name })).toString('base64url')
}

function decodeCursor(raw: string): DocCursor | undefined {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString()))
    return parsed.success ? { updatedAt: parsed.data.u, name: parsed.data.n } : undefined
  } catch {
    return undefined
  }
}

/** "only Ada (who created it) may delete notes", or why nobody may. */
function notYours(action: 'delete' | 'rename', name: string, owner: DocOwner | null): string {
  if (owner === null) {
    return `${name} was made before documents had owners, so nobody may ${action} it; anyone may still edit it`
  }
  return `only ${owner.name || 'the user'} who created ${name} may ${action} it; anyone may still edit it`
}

/**
 * `GET /api/docs` lists documents one page at a time (most recently edited first, each with its
 * stored preview line and owner; `?limit=`, `?cursor=`), with an ETag for conditional requests;
 * `POST /api/docs` `{ name }` creates one owned by the caller (201, or 409 `conflict` when it
 * exists); `GET /api/docs/<name>` answers the document or what became of the name (deleted or
 * renamed, by whom; `DocLookupSchema`); `PATCH /api/docs/<name>` `{ name }` renames one and `DELETE /api/docs/<name>` deletes
 * it, for its owner only (403 `forbidden` for anyone else), closing its open editors on every
 * instance. All need a session: the `duplex_session` cookie, `Authorization: Bearer <token>` or
 * `?token=`. While the database (or Redis) is down, every route answers 503 `unavailable` with
 * `Retry-After`, having changed nothing.
 *
 * Returns a request handler that answers and returns true for its paths, false for any other.
 */
export function createDocsRoutes(deps: DocsRoutesDeps) {
  async function body(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    try {
      return await readJsonBody(req)
    } catch (error) {
      if (!(error instanceof BodyError)) throw error
      sendError(res, error.status, 'invalid', error.message)
      return undefined
    }
  }

  async function handleList(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = Object.fromEntries(url.searchParams)
    delete params.token
    const query = DocListQuerySchema.safeParse(params)
    if (!query.success) {
      sendError(res, 400, 'invalid', describeZodError(query.error), zodIssues(query.error))
      return
    }
    const after = query.data.cursor === undefined ? undefined : decodeCursor(query.data.cursor)
    if (query.data.cursor !== undefined && !after) {
      sendError(res, 400, 'invalid', 'cursor: not a nextCursor this server gave out')
      return
    }
    const limit = query.data.limit ?? DOC_LIST_PAGE
    // One more than asked says whether a next page exists, without counting.
    const rows = await deps.store.listDocs({ limit: limit + 1, after })
    const docs = rows.slice(0, limit)
    const last = docs.at(-1)
    const answer: DocList = {
      docs,
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    }
    const payload = JSON.stringify(answer)
    const etag = `"${createHash('sha1').update(payload).digest('base64url')}"`
    // The list is the same for everyone, so a browser may keep it, as long as it asks first.
    const headers = { ETag: etag, 'Cache-Control': 'private, no-cache' }
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end()
      return
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(payload),
    })
    res.end(payload)
  }

  async function handleCreate(
    req: IncomingMessage,
    res: ServerResponse,
    user: { id: string; name: string },
  ): Promise<void> {
    const raw = await body(req, res)
    if (raw === undefined) return
    const parsed = CreateDocSchema.safeParse(raw)
    if (!parsed.success) {
      sendError(res, 400, 'invalid', describeZodError(parsed.error), zodIssues(parsed.error))
      return
    }
    const verdict = await deps.creation.ensure(parsed.data.name, user)
    if (!verdict.ok) {
      if (verdict.code === 'rate_limited') {
        res.setHeader('Retry-After', String(verdict.retryAfterSeconds))
        sendError(res, 429, 'rate_limited', verdict.message)
      } else {
        sendError(res, 403, 'limit_reached', verdict.message)
      }
      return
    }
    const doc = await deps.store.getDoc(parsed.data.name)
    if (!doc) throw new Error(`document ${parsed.data.name} was created but cannot be found`)
    if (!verdict.created) {
      sendError(res, 409, 'conflict', `a document named ${doc.name} already exists`)
      return
    }
    const answer: CreatedDoc = { doc }
    sendJson(res, 201, answer)
  }

  async function handleOne(
    req: IncomingMessage,
    res: ServerResponse,
    rawName: string,
    user: DocOwner,
  ): Promise<void> {
    const userId = user.id
    let decoded: string
    try {
      decoded = decodeURIComponent(rawName)
    } catch {
      sendError(res, 400, 'invalid', 'the document name is not valid URL encoding')
      return
    }
    const name = DocNameSchema.safeParse(decoded)
    if (!name.success) {
      sendError(res, 400, 'invalid', `Invalid document name: ${describeZodError(name.error)}`)
      return
    }
    if (req.method === 'GET') {
      const answer: DocLookup = await deps.store.lookupDoc(name.data)
      res.setHeader('Cache-Control', 'no-store')
      sendJson(res, 200, answer)
      return
    }
    if (req.method === 'DELETE') {
      const result = await deps.store.deleteDoc(name.data, userId, user)
      if (result.outcome === 'missing') {
        sendError(res, 404, 'not_found', `there is no document named ${name.data}`)
      } else if (result.outcome === 'forbidden') {
        sendError(res, 403, ApiErrorCode.forbidden, notYours('delete', name.data, result.owner))
      } else {
        await deps.docGone(name.data, result.generation, { kind: 'deleted', by: user })
        res.writeHead(204).end()
      }
      return
    }
    const raw = await body(req, res)
    if (raw === undefined) return
    const parsed = RenameDocSchema.safeParse(raw)
    if (!parsed.success) {
      sendError(res, 400, 'invalid', describeZodError(parsed.error), zodIssues(parsed.error))
      return
    }
    const to = parsed.data.name
    if (to === name.data) {
      const doc = await deps.store.getDoc(to)
      if (!doc) sendError(res, 404, 'not_found', `there is no document named ${to}`)
      else if (doc.owner?.id !== userId)
        sendError(res, 403, ApiErrorCode.forbidden, notYours('rename', to, doc.owner))
      else sendJson(res, 200, { doc } satisfies CreatedDoc)
      return
    }
    const result = await deps.store.renameDoc(name.data, to, userId, user)
    switch (result.outcome) {
      case 'missing':
        sendError(res, 404, 'not_found', `there is no document named ${name.data}`)
        return
      case 'forbidden':
        sendError(res, 403, ApiErrorCode.forbidden, notYours('rename', name.data, result.owner))
        return
      case 'taken':
        sendError(res, 409, 'conflict', `a document named ${to} already exists`)
        return
      case 'renamed':
        await deps.docGone(name.data, result.generation, {
          kind: 'renamed',
          to,
          generation: result.toGeneration,
          by: user,
        })
        sendJson(res, 200, { doc: result.doc } satisfies CreatedDoc)
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, one: boolean) {
    const session = await deps.verifyToken(tokenFromRequest(req, url))
    if (!session.ok) {
      // 401, or 503 `unavailable` when whether it was signed out cannot be told right now.
      sendSessionRefused(res, session)
      return
    }
    if (one) {
      const { id, name } = session.user
      await handleOne(req, res, url.pathname.slice(DOCS_PATH.length + 1), { id, name })
    } else if (req.method === 'GET') {
      await handleList(req, res, url)
    } else {
      await handleCreate(req, res, session.user)
    }
  }

  return async function handleDocsRequest(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    const one = url.pathname.startsWith(`${DOCS_PATH}/`)
    if (url.pathname !== DOCS_PATH && !one) return false
    const allowed = one ? ['GET', 'PATCH', 'DELETE'] : ['GET', 'POST']
    if (!allowed.includes(req.method ?? '')) {
      res.setHeader('Allow', allowed.join(', '))
      sendError(
        res,
        405,
        'invalid',
        `${req.method ?? ''} is not supported here; use ${allowed.join(' or ')}`,
      )
      return true
    }
    try {
      await handle(req, res, url, one)
    } catch (error) {
      // Nothing was changed: every write above is one transaction, and a failed one rolls back.
      if (!isStoreUnavailable(error) || res.headersSent) throw error
      sendUnavailable(res)
    }
    return true
  }
}

/** 503 `unavailable` with a retry hint, in the body and as `Retry-After`. */
function sendUnavailable(res: ServerResponse): void {
  res.setHeader('Retry-After', String(Math.ceil(UNAVAILABLE_RETRY_MS / 1000)))
  const body: ApiError = {
    error: {
      code: ApiErrorCode.unavailable,
      message: `documents are unavailable: the database (or Redis) cannot be reached right now; nothing was changed, retry in ${UNAVAILABLE_RETRY_MS / 1000} s`,
      retryAfterMs: UNAVAILABLE_RETRY_MS,
    },
  }
  sendJson(res, 503, body)
}
