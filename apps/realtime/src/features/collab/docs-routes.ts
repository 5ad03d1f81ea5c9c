import {
  COLLAB_TEXT_KEY,
  CollabCloseCode,
  CreateDocSchema,
  DocNameSchema,
  RenameDocSchema,
  type CreatedDoc,
  type DocInfo,
  type DocList,
} from '@duplex/protocol/collab'
import { describeZodError, zodIssues } from '@duplex/protocol/errors'
import type { IncomingMessage, ServerResponse } from 'node:http'
import * as Y from 'yjs'
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
import type { DocStore } from './repository.ts'

export interface DocsRoutesDeps {
  store: DocStore
  verifyToken: VerifyToken
  /** The same quota and rate as opening a new document over `/yjs/<name>`. */
  creation: DocCreation
  /** Closes a document's open editors before it is deleted or renamed (see `Collab.closeDoc`). */
  closeDoc: (name: string, close: { code: number; reason: string }) => Promise<void>
}

/** Path of the document list. */
const DOCS_PATH = '/api/docs'

/** How much of a document's first line the list shows. */
const PREVIEW_CHARS = 80

/** The start of the first non-empty line of a document's text, from its stored updates. */
async function previewOf(store: DocStore, name: string): Promise<string> {
  const updates = await store.loadDocUpdates(name)
  if (updates.length === 0) return ''
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, Y.mergeUpdates(updates))
    const text = doc.getText(COLLAB_TEXT_KEY).toString()
    const line = text.split('\n').find((l) => l.trim() !== '') ?? ''
    return [...line.trim()].slice(0, PREVIEW_CHARS).join('')
  } finally {
    doc.destroy()
  }
}

/**
 * `GET /api/docs` lists documents (most recently edited first, each with a preview line);
 * `POST /api/docs` `{ name }` creates one (201, or 409 `conflict` when it exists);
 * `PATCH /api/docs/<name>` `{ name }` renames one and `DELETE /api/docs/<name>` deletes it (both
 * close its open editors first). All need a session: the `duplex_session` cookie,
 * `Authorization: Bearer <token>` or `?token=`.
 *
 * Returns a request handler that answers and returns true for its paths, false for any other.
 */
export function createDocsRoutes(deps: DocsRoutesDeps) {
  async function authorized(req: IncomingMessage, res: ServerResponse, url: URL) {
    const session = await deps.verifyToken(tokenFromRequest(req, url))
    if (!session.ok) sendSessionRefused(res, session)
    return session.ok ? session.user : undefined
  }

  async function body(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    try {
      return await readJsonBody(req)
    } catch (error) {
      if (!(error instanceof BodyError)) throw error
      sendError(res, error.status, 'invalid', error.message)
      return undefined
    }
  }

  async function handleList(
    req: IncomingMessage,
    res: ServerResponse,
    userId: string,
  ): Promise<void> {
    if (req.method === 'GET') {
      const docs = await deps.store.listDocs()
      const withPreview: DocInfo[] = await Promise.all(
        docs.map(async (doc) => ({ ...doc, preview: await previewOf(deps.store, doc.name) })),
      )
      const answer: DocList = { docs: withPreview }
      sendJson(res, 200, answer)
      return
    }
    const raw = await body(req, res)
    if (raw === undefined) return
    const parsed = CreateDocSchema.safeParse(raw)
    if (!parsed.success) {
      sendError(res, 400, 'invalid', describeZodError(parsed.error), zodIssues(parsed.error))
      return
    }
    const verdict = await deps.creation.ensure(parsed.data.name, userId)
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
  ): Promise<void> {
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
    if (req.method === 'DELETE') {
      if (!(await deps.store.getDoc(name.data))) {
        sendError(res, 404, 'not_found', `there is no document named ${name.data}`)
        return
      }
      await deps.closeDoc(name.data, CollabCloseCode.deleted)
      await deps.store.deleteDoc(name.data)
      res.writeHead(204).end()
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
      if (doc) sendJson(res, 200, { doc } satisfies CreatedDoc)
      else sendError(res, 404, 'not_found', `there is no document named ${to}`)
      return
    }
    if (!(await deps.store.getDoc(name.data))) {
      sendError(res, 404, 'not_found', `there is no document named ${name.data}`)
      return
    }
    if (await deps.store.getDoc(to)) {
      sendError(res, 409, 'conflict', `a document named ${to} already exists`)
      return
    }
    await deps.closeDoc(name.data, {
      code: CollabCloseCode.renamed.code,
      reason: `${CollabCloseCode.renamed.reason}${to}`,
    })
    const outcome = await deps.store.renameDoc(name.data, to)
    if (outcome === 'missing') {
      sendError(res, 404, 'not_found', `there is no document named ${name.data}`)
      return
    }
    if (outcome === 'taken') {
      sendError(res, 409, 'conflict', `a document named ${to} already exists`)
      return
    }
    const doc = await deps.store.getDoc(to)
    if (!doc) throw new Error(`document ${to} renamed but cannot be found`)
    sendJson(res, 200, { doc } satisfies CreatedDoc)
  }

  return async function handleDocsRequest(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    const one = url.pathname.startsWith(`${DOCS_PATH}/`)
    if (url.pathname !== DOCS_PATH && !one) return false
    const allowed = one ? ['PATCH', 'DELETE'] : ['GET', 'POST']
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
    const user = await authorized(req, res, url)
    if (!user) return true
    if (one) await handleOne(req, res, url.pathname.slice(DOCS_PATH.length + 1))
    else await handleList(req, res, user.id)
    return true
  }
}
