import { CreateJobSchema, type JobList } from '@duplex/protocol/jobs'
import { readJsonBody } from '@/shared/server/edge'
import { invalid } from '@/shared/server/http'
import { tooMany } from '@/shared/server/limits'
import { requireUser } from '@/shared/server/session'
import { progressServer } from '../feature.ts'
import { isJobLimitError } from '../job-service.ts'
import { storeDown } from './store-down.ts'

/** `GET /api/jobs` — the signed-in user's jobs, newest first. */
export async function GET(request: Request) {
  const auth = await requireUser(request)
  if (!auth.ok) return auth.response
  try {
    const jobs = await progressServer().jobs.list(auth.user.id)
    return Response.json({ jobs } satisfies JobList)
  } catch (error) {
    return storeDown(error)
  }
}

/** `POST /api/jobs` — starts a job. The body is optional: `{ name?, durationMs?, simulateFailure? }`. */
export async function POST(request: Request) {
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const auth = await requireUser(request)
  if (!auth.ok) return auth.response
  const parsed = CreateJobSchema.safeParse(body.value ?? {})
  if (!parsed.success) return invalid(parsed.error, 'job')
  try {
    const job = await progressServer().jobs.create(auth.user.id, parsed.data)
    return Response.json(job, { status: 201, headers: { Location: `/api/jobs/${job.id}` } })
  } catch (error) {
    if (isJobLimitError(error)) return tooMany(error.message, error.retryAfterMs)
    return storeDown(error)
  }
}
