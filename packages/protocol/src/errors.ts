import { z } from 'zod'

/** Error codes every HTTP route answers with, next to its status. */
export const ApiErrorCode = {
  invalid: 'invalid',
  notFound: 'not_found',
  unauthorized: 'unauthorized',
  conflict: 'conflict',
  /** The caller is signed in but may not do this (e.g. delete someone else's document). */
  forbidden: 'forbidden',
  /**
   * A store this request needs (PostgreSQL, Redis) is down. Nothing was changed; retry after
   * `retryAfterMs` (also sent as `Retry-After`, status 503).
   */
  unavailable: 'unavailable',
} as const
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode]

/**
 * The JSON body of every 4xx and 503 answer: `{ error: { code, message, issues?, retryAfterMs? } }`.
 * `message` is for people; `issues` (from zod) lists each bad field for programs; `retryAfterMs`
 * says when a retry may succeed (`rate_limited`, `unavailable`).
 */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    retryAfterMs: z.number().int().nonnegative().optional(),
    issues: z
      .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
      .optional(),
  }),
})
export type ApiError = z.infer<typeof ApiErrorSchema>

/**
 * Turns a zod error into one readable sentence naming each bad field,
 * e.g. `durationMs: Too small: expected number to be >=500`.
 */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ')
}

/** The `issues` list of an {@link ApiError}, from a zod error. */
export function zodIssues(error: z.ZodError): NonNullable<ApiError['error']['issues']> {
  return error.issues.map((issue) => ({
    path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: issue.message,
  }))
}
