import { publish } from '../../lib/streams'

export const dynamic = 'force-dynamic'

/** `POST /publish { count, firstSeq }`: count ticks to every stream, at once. */
export async function POST(request: Request): Promise<Response> {
  const { count, firstSeq } = (await request.json()) as { count: number; firstSeq: number }
  publish(firstSeq, count)
  return Response.json({ published: count })
}
