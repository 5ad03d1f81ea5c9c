import { z } from 'zod'

/** Error codes every HTTP route answers with, next to its status. */
export const ApiErrorCode = {
  invalid: 'invalid',
  notFound: 'not_found',
  unauthorized: 'unauthorized',
  conflict: 'conflict',
} as const
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode]

/**
 * The JSON body of every 4xx answer: `{ error: { code, message, issues? } }`.
 * `message` is for people; `issues` (from zod) lists each bad field for programs.
 */
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
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
