import { z } from 'zod'

/**
 * Path prefix of the Yjs endpoint on the realtime server. A document lives at
 * `ws://<host>:<REALTIME_PORT>/yjs/<docName>`, which is what y-websocket builds from
 * `new WebsocketProvider('ws://host:3001/yjs', docName, doc, { params: { token } })`.
 */
export const COLLAB_PATH = '/yjs'

/** A document name: 1–64 letters, digits, `_` or `-` (it is part of the URL). */
export const DocNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -, e.g. meeting-notes')
export type DocName = z.infer<typeof DocNameSchema>

/**
 * Name of the `Y.Text` the demo editor binds to (`doc.getText(COLLAB_TEXT_KEY)`), so the web
 * editor, tests and any server-side preview read the same shared type.
 */
export const COLLAB_TEXT_KEY = 'content'

/** One entry of the document list. */
export const DocInfoSchema = z.object({
  name: DocNameSchema,
  /** ms since the epoch. */
  createdAt: z.number(),
  /** When the last edit was stored, ms since the epoch. */
  updatedAt: z.number(),
  /** The start of the document's first line of text, for the list (`GET /api/docs` only). */
  preview: z.string().optional(),
})
export type DocInfo = z.infer<typeof DocInfoSchema>

/** `GET /api/docs` on the realtime server: every document, most recently edited first. */
export const DocListSchema = z.object({ docs: z.array(DocInfoSchema) })
export type DocList = z.infer<typeof DocListSchema>

/**
 * Body of `POST /api/docs` on the realtime server. Answers 201 `{ doc }`, or 409 `conflict` when
 * the name is taken. The first edit over `/yjs/<name>` also creates a document (opening one that
 * nobody types into does not), so this is optional.
 */
export const CreateDocSchema = z.object({ name: DocNameSchema }).strict()
export type CreateDoc = z.infer<typeof CreateDocSchema>

/**
 * Body of `PATCH /api/docs/<name>` on the realtime server: renames the document. Answers 200
 * `{ doc }`, 404 `not_found`, or 409 `conflict` when the new name is taken. Open editors are
 * closed with `CollabCloseCode.renamed`; `DELETE /api/docs/<name>` (204) closes them with `deleted`.
 */
export const RenameDocSchema = z.object({ name: DocNameSchema }).strict()
export type RenameDoc = z.infer<typeof RenameDocSchema>

/** Answer of `POST /api/docs`. */
export const CreatedDocSchema = z.object({ doc: DocInfoSchema })
export type CreatedDoc = z.infer<typeof CreatedDocSchema>

/**
 * What each editor puts in its Yjs awareness state under `user`, so cursors can be labelled and
 * coloured. Validate other clients' states with it: awareness is relayed, not checked, by the server.
 */
export const CollabAwarenessUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** CSS colour of the cursor, e.g. `#e91e63`. */
  color: z.string(),
})
export type CollabAwarenessUser = z.infer<typeof CollabAwarenessUserSchema>

/**
 * WebSocket close codes of the Yjs endpoint. A refused handshake gets a plain HTTP status
 * instead (401 without a valid session, 400 for a bad name), before any document byte.
 */
export const CollabCloseCode = {
  /** The server is shutting down; reconnect later (y-websocket does so on its own). */
  shuttingDown: { code: 1001, reason: 'Server shutting down' },
  /** The session is not valid (or no longer). Get a new one before reconnecting. */
  unauthorized: { code: 4401, reason: 'Unauthorized' },
  /** Someone deleted the document. Do not reconnect: that would bring it back. */
  deleted: { code: 4404, reason: 'Document deleted' },
  /** Someone renamed the document; the new name follows `renamed:` in the reason. */
  renamed: { code: 4409, reason: 'renamed:' },
} as const
export type CollabCloseCode = (typeof CollabCloseCode)[keyof typeof CollabCloseCode]
