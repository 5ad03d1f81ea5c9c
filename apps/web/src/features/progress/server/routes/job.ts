import { JobIdSchema } from '@duplex/protocol/jobs'
import { invalid, notFound } from '@/shared/server/http'
import { progressServer } from '../feature.ts'

async function jobIdOf(ctx: RouteContext<'/api/jobs/[id]'>) {
  return JobIdSchema.safeParse((await ctx.params).id)
}

/** `GET /api/jobs/:id` — one job as it is now. */
export async function GET(_request: Request, ctx: RouteContext<'/api/jobs/[id]'>) {
  const id = await jobIdOf(ctx)
  if (!id.success) return invalid(id.error, 'job id')
  const job = await progressServer().jobs.get(id.data)
  return job ? Response.json(job) : notFound(`No job with id ${id.data}`)
}

/** `DELETE /api/jobs/:id` — cancels a running job; an ended job is returned unchanged. */
export async function DELETE(_request: Request, ctx: RouteContext<'/api/jobs/[id]'>) {
  const id = await jobIdOf(ctx)
  if (!id.success) return invalid(id.error, 'job id')
  const job = await progressServer().jobs.cancel(id.data)
  return job ? Response.json(job) : notFound(`No job with id ${id.data}`)
}
