import { JobIdSchema } from '@duplex/protocol/jobs'
import { refuseCrossSite } from '@/shared/server/edge'
import { invalid, notFound } from '@/shared/server/http'
import { requireUser } from '@/shared/server/session'
import { progressServer } from '../feature.ts'
import { storeDown } from './store-down.ts'

async function jobIdOf(ctx: RouteContext<'/api/jobs/[id]'>) {
  return JobIdSchema.safeParse((await ctx.params).id)
}

/** `GET /api/jobs/:id` — one of your jobs as it is now; someone else's is a 404 like a missing one. */
export async function GET(request: Request, ctx: RouteContext<'/api/jobs/[id]'>) {
  const auth = await requireUser(request)
  if (!auth.ok) return auth.response
  const id = await jobIdOf(ctx)
  if (!id.success) return invalid(id.error, 'job id')
  try {
    const job = await progressServer().jobs.get(id.data, auth.user.id)
    return job ? Response.json(job) : notFound(`No job with id ${id.data}`)
  } catch (error) {
    return storeDown(error)
  }
}

/** `DELETE /api/jobs/:id` — cancels one of your running jobs; an ended job is returned unchanged. */
export async function DELETE(request: Request, ctx: RouteContext<'/api/jobs/[id]'>) {
  const crossSite = refuseCrossSite(request)
  if (crossSite) return crossSite
  const auth = await requireUser(request)
  if (!auth.ok) return auth.response
  const id = await jobIdOf(ctx)
  if (!id.success) return invalid(id.error, 'job id')
  try {
    const job = await progressServer().jobs.cancel(id.data, auth.user.id)
    return job ? Response.json(job) : notFound(`No job with id ${id.data}`)
  } catch (error) {
    return storeDown(error)
  }
}
