import { CreateDocSchema, type CreatedDoc, type DocList } from '@duplex/protocol/collab'
import { describeZodError, zodIssues } from '@duplex/protocol/errors'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  BodyError,
  readJsonBody,
  sendError,
  sendJson,
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
}

/** Path of the document list. */
const DOCS_PATH = '/api/docs'

/**
 * `GET /api/docs` lists documents (most recently edited first); `POST /api/docs` `{ name }` creates
 * one (201, or 409 `conflict` when it exists). Both need a session: the `duplex_session` cookie,
 * `Authorization: Bearer <token>` or `?token=`.
 *
 * Returns a request handler that answers and returns true for its path, false for any other.
 */
export function createDocsRoutes(deps: DocsRoutesDeps) {
  return async function handleDocsRequest(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    if (url.pathname !== DOCS_PATH) return false
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST')
      sendError(res, 405, 'invalid', `${req.method ?? ''} is not supported here; use GET or POST`)
      return true
    }
    const session = await deps.verifyToken(tokenFromRequest(req, url))
    if (!session.ok) {
      sendError(res, 401, 'unauthorized', session.message)
      return true
    }
    if (req.method === 'GET') {
      const body: DocList = { docs: await deps.store.listDocs() }
      sendJson(res, 200, body)
      return true
    }
    let raw: unknown
    try {
      raw = await readJsonBody(req)
    } catch (error) {
      if (!(error instanceof BodyError)) throw error
      sendError(res, error.status, 'invalid', error.message)
      return true
    }
    const parsed = CreateDocSchema.safeParse(raw)
    if (!parsed.success) {
      sendError(res, 400, 'invalid', describeZodError(parsed.error), zodIssues(parsed.error))
      return true
    }
    const verdict = await deps.creation.ensure(parsed.data.name, session.user.id)
    if (!verdict.ok) {
      if (verdict.code === 'rate_limited') {
        res.setHeader('Retry-After', String(verdict.retryAfterSeconds))
        sendError(res, 429, 'rate_limited', verdict.message)
      } else {
        sendError(res, 403, 'limit_reached', verdict.message)
      }
      return true
    }
    const doc = await deps.store.getDoc(parsed.data.name)
    if (!doc) throw new Error(`document ${parsed.data.name} was created but cannot be found`)
    if (!verdict.created) {
      sendError(res, 409, 'conflict', `a document named ${doc.name} already exists`)
      return true
    }
    const body: CreatedDoc = { doc }
    sendJson(res, 201, body)
    return true
  }
}
