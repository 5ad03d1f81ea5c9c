import { z } from 'zod'
import { UserIdSchema } from './session.ts'

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

/**
 * Who owns a document: the user whose session created it (`POST /api/docs`, or the first edit over
 * `/yjs/<name>`). Only the owner may rename or delete it; everyone may open and edit it. `name` is
 * the display name they had when they created it (names are not unique; `id` is what counts).
 */
export const DocOwnerSchema = z.object({
  id: UserIdSchema,
  name: z.string(),
})
export type DocOwner = z.infer<typeof DocOwnerSchema>

/** One entry of the document list. */
export const DocInfoSchema = z.object({
  name: DocNameSchema,
  /** ms since the epoch. */
  createdAt: z.number(),
  /** When the last edit was stored, ms since the epoch. */
  updatedAt: z.number(),
  /**
   * Who may rename and delete it. `null` for documents made before documents had owners: nobody
   * may rename or delete those over the API (an operator can give one an owner in the database).
   */
  owner: DocOwnerSchema.nullable(),
  /**
   * The start of the document's first non-empty line (at most {@link DOC_PREVIEW_CHARS}
   * characters), stored with the document, so the list never reads document contents. Written
   * about once a second while someone edits, and when the document is compacted.
   */
  preview: z.string(),
})
export type DocInfo = z.infer<typeof DocInfoSchema>

/** Longest preview line the list shows, in characters (code points). */
export const DOC_PREVIEW_CHARS = 80

/** Documents in one `GET /api/docs` page when no `limit` is given. */
export const DOC_LIST_PAGE = 50

/** Largest `limit` `GET /api/docs` accepts; more answers 400 `invalid`. */
export const DOC_LIST_MAX_PAGE = 100

/**
 * The query of `GET /api/docs`: `?limit=` (1–{@link DOC_LIST_MAX_PAGE}, default
 * {@link DOC_LIST_PAGE}) and `?cursor=`, the `nextCursor` of the page before (opaque; absent for
 * the first page).
 *
 * @example
 * DocListQuerySchema.parse({ limit: '20' }) // { limit: 20 }
 */
export const DocListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(DOC_LIST_MAX_PAGE).optional(),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict()
export type DocListQuery = z.infer<typeof DocListQuerySchema>

/**
 * `GET /api/docs` on the realtime server: one page of documents, most recently edited first (ties
 * by name). Ask again with `?cursor=<nextCursor>` for the next page; `nextCursor` is `null` on
 * the last one. The list is live: a document edited while you page moves to the top, so a client
 * that pages keeps documents by `name`.
 *
 * The answer carries an `ETag`; a request with `If-None-Match` (what a browser's
 * `fetch(url, { cache: 'no-cache' })` sends) gets `304 Not Modified` while the page is unchanged.
 * Costs the same however large the documents are: the list reads stored previews, never contents.
 */
export const DocListSchema = z.object({
  docs: z.array(DocInfoSchema),
  nextCursor: z.string().nullable(),
})
export type DocList = z.infer<typeof DocListSchema>

/**
 * Body of `POST /api/docs` on the realtime server. Answers 201 `{ doc }` (owned by the caller),
 * 409 `conflict` when the name is taken, 403 `limit_reached` past `YJS_DOC_QUOTA`, 429
 * `rate_limited`. The first edit over `/yjs/<name>` also creates a document (opening one that
 * nobody types into does not), owned by whoever made that edit, so this is optional.
 */
export const CreateDocSchema = z.object({ name: DocNameSchema }).strict()
export type CreateDoc = z.infer<typeof CreateDocSchema>

/**
 * Body of `PATCH /api/docs/<name>` on the realtime server: renames the document; the owner and the
 * text go with it. Only the owner may: anyone else gets 403 `forbidden`. Answers 200 `{ doc }`,
 * 404 `not_found`, or 409 `conflict` when the new name is taken. Open editors, on every instance,
 * are closed with `CollabCloseCode.renamed`. `DELETE /api/docs/<name>` (204; 403 `forbidden` for
 * anyone but the owner, 404 `not_found`) closes them with `deleted`. Who did it is stored with the
 * old name: `GET /api/docs/<old>` answers it ({@link DocLookupSchema}), which is how a closed
 * editor learns the name of the person, and how the old URL of a renamed document finds the new.
 *
 * Every `/api/docs` route answers 503 `unavailable` with `retryAfterMs` (and `Retry-After`) while
 * the database is down; nothing was changed, the same request works later.
 */
export const RenameDocSchema = z.object({ name: DocNameSchema }).strict()
export type RenameDoc = z.infer<typeof RenameDocSchema>

/**
 * What became of a name that is no longer a document: deleted, or renamed to `to`. `by` is who did
 * it (their id and the display name they had then; `null` for changes stored before actors were
 * recorded); `at` is when, in ms since the epoch.
 */
export const DocFateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deleted'), by: DocOwnerSchema.nullable(), at: z.number() }),
  z.object({
    kind: z.literal('renamed'),
    to: DocNameSchema,
    by: DocOwnerSchema.nullable(),
    at: z.number(),
  }),
])
export type DocFate = z.infer<typeof DocFateSchema>

/**
 * Answer of `GET /api/docs/<name>` on the realtime server (200): the document when it exists
 * (`gone: null`); otherwise `doc: null` and, when the name was deleted or renamed away, what became
 * of it (the latest change; after a rename the page follows `to`, which may have been renamed
 * again). Both null: nobody has ever created it (opening and typing creates it).
 *
 * @example
 * DocLookupSchema.parse(await (await fetch(`${base}/api/docs/tmp-doc-2`)).json())
 * // { doc: null, gone: { kind: 'renamed', to: 'tmp-doc-3', by: { id: 'u_bob', name: 'Bob' }, at: 1765… } }
 */
export const DocLookupSchema = z.object({
  doc: DocInfoSchema.nullable(),
  gone: DocFateSchema.nullable(),
})
export type DocLookup = z.infer<typeof DocLookupSchema>

/** Answer of `POST /api/docs` and `PATCH /api/docs/<name>`. */
export const CreatedDocSchema = z.object({ doc: DocInfoSchema })
export type CreatedDoc = z.infer<typeof CreatedDocSchema>

/**
 * What each editor puts in its Yjs awareness state under `user`, so cursors can be labelled and
 * coloured. The server rewrites `id` and `name` from the connection's session and replaces a
 * colour that is not `#rrggbb`; clients validate with this schema all the same.
 */
export const CollabAwarenessUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Colour of the cursor, exactly `#rrggbb` (it ends up in a `style` attribute), e.g. `#e91e63`. */
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #e91e63'),
})
export type CollabAwarenessUser = z.infer<typeof CollabAwarenessUserSchema>

/**
 * WebSocket close codes of the Yjs endpoint. A refused handshake gets a plain HTTP status
 * instead (401 without a valid session, 400 for a bad name), before any document byte.
 */
export const CollabCloseCode = {
  /** The server is shutting down; reconnect later (y-websocket does so on its own). */
  shuttingDown: { code: 1001, reason: 'Server shutting down' },
  /**
   * A frame was not a well-formed y-websocket message (or was text). Logged once per connection.
   * A frame over `YJS_MAX_FRAME_BYTES` is closed by the WebSocket layer with 1009 instead.
   */
  protocolError: { code: 4400, reason: 'Protocol error' },
  /** The session is not valid (or no longer). Get a new one before reconnecting. */
  unauthorized: { code: 4401, reason: 'Unauthorized' },
  /** The session was signed out (in any tab, on any instance). Do not reconnect; sign in again. */
  signedOut: { code: 4401, reason: 'Signed out' },
  /** The session's token expired while the editor was open. Sign in again. */
  sessionExpired: { code: 4401, reason: 'Session expired' },
  /**
   * The document could not be loaded or stored because the database is down. Reconnecting later
   * works (1013 is the WebSocket code for "try again later"); y-websocket does so on its own.
   */
  unavailable: { code: 1013, reason: 'Try again later' },
  /**
   * The client fell more than `YJS_MAX_BUFFERED_BYTES` behind reading. Reconnecting syncs it
   * again from the document's state, not from the backlog.
   */
  tooSlow: { code: 4408, reason: 'Reader too slow' },
  /** The update would take the document past `YJS_MAX_DOC_BYTES`; it was not applied. */
  docTooLarge: { code: 4413, reason: 'Document too large' },
  /** Someone deleted the document. Do not reconnect: that would bring it back. */
  deleted: { code: 4404, reason: 'Document deleted' },
  /** Someone renamed the document; the new name follows `renamed:` in the reason. */
  renamed: { code: 4409, reason: 'renamed:' },
} as const
export type CollabCloseCode = (typeof CollabCloseCode)[keyof typeof CollabCloseCode]
