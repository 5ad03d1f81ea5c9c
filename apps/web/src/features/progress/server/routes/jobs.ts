import { CreateJobSchema, type JobList } from '@duplex/protocol/jobs'
import { invalid, readJsonBody } from '@/shared/server/http'
import { progressServer } from '../feature.ts'

/** `GET /api/jobs` — every job the server remembers, newest first. */
export async function GET() {
  return Response.json({ jobs: await progressServer().jobs.list() } satisfies JobList)
}

/** `POST /api/jobs` — starts a job. The body is optional: `{ name?, durationMs?, simulateFailure? }`. */
export async function POST(request: Request) {
  const body = await readJsonBody(request)
  if (!body.ok) return body.response
  const parsed = CreateJobSchema.safeParse(body.value ?? {})
  if (!parsed.success) return invalid(parsed.error, 'job')
  const job = await progressServer().jobs.create(parsed.data)
  return Response.json(job, { status: 201, headers: { Location: `/api/jobs/${job.id}` } })
}
