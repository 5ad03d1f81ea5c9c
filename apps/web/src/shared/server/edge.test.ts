import { describe, expect, it } from 'vitest'
import { readGuardedJson, refuseCrossSite } from './edge.ts'

const LIMIT = 1024

/** A chunked body of `chunks` × `size` bytes that records how much of it was ever pulled. */
function endlessBody(chunks: number, size: number) {
  const pulled = { bytes: 0, cancelled: false }
  let sent = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ >= chunks) return controller.close()
      pulled.bytes += size
      controller.enqueue(new Uint8Array(size).fill(0x20))
    },
    cancel() {
      pulled.cancelled = true
    },
  })
  return { stream, pulled }
}

function post(body: BodyInit | null, headers: Record<string, string> = {}) {
  return new Request('http://127.0.0.1:3000/api/jobs', {
    method: 'POST',
    headers: { host: '127.0.0.1:3000', ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit)
}

const errorOf = async (result: Awaited<ReturnType<typeof readGuardedJson>>) => {
  if (result.ok) throw new Error('expected a refusal')
  return {
    status: result.response.status,
    body: (await result.response.json()) as { error: { code: string } },
  }
}

describe('readGuardedJson: the edge every JSON route reads its body through', () => {
  it('parses a small JSON body and treats an empty one as undefined', async () => {
    expect(
      await readGuardedJson(post('{"a":1}', { 'content-type': 'application/json' }), {
        maxBytes: LIMIT,
      }),
    ).toEqual({
      ok: true,
      value: { a: 1 },
    })
    expect(await readGuardedJson(post(null), { maxBytes: LIMIT })).toEqual({
      ok: true,
      value: undefined,
    })
  })

  it('refuses a declared Content-Length over the limit with a 413 before reading a byte', async () => {
    const { stream, pulled } = endlessBody(10_000, 1024)
    const request = post(stream, {
      'content-type': 'application/json',
      'content-length': String(200 * 1024 * 1024),
    })
    expect(await errorOf(await readGuardedJson(request, { maxBytes: LIMIT }))).toMatchObject({
      status: 413,
      body: { error: { code: 'too_large' } },
    })
    expect(pulled.bytes).toBeLessThanOrEqual(1024) // at most what the stream buffered on creation
  })

  it('counts a chunked body and stops reading once it passes the limit', async () => {
    const { stream, pulled } = endlessBody(200_000, 512) // 100 MB if read to the end
    const result = await readGuardedJson(post(stream, { 'content-type': 'application/json' }), {
      maxBytes: LIMIT,
    })
    expect((await errorOf(result)).status).toBe(413)
    expect(pulled.bytes).toBeLessThan(LIMIT + 4 * 512)
    expect(pulled.cancelled).toBe(true)
  })

  it('refuses anything but application/json with a 415, so a text/plain form cannot pass for JSON', async () => {
    const form = post('{"name":"Mallory"}', { 'content-type': 'text/plain' })
    expect(await errorOf(await readGuardedJson(form, { maxBytes: LIMIT }))).toMatchObject({
      status: 415,
      body: { error: { code: 'unsupported_media_type' } },
    })
    expect((await errorOf(await readGuardedJson(post('{}'), { maxBytes: LIMIT }))).status).toBe(415)
    const charset = post('{}', { 'content-type': 'application/json; charset=utf-8' })
    expect(await readGuardedJson(charset, { maxBytes: LIMIT })).toEqual({ ok: true, value: {} })
  })

  it('still answers malformed JSON with a 400 that says so', async () => {
    const result = await readGuardedJson(post('{nope', { 'content-type': 'application/json' }), {
      maxBytes: LIMIT,
    })
    expect(await errorOf(result)).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid' } },
    })
  })
})

describe('refuseCrossSite: state-changing requests from another site', () => {
  const json = { 'content-type': 'application/json' }

  it('refuses what a browser marks as cross-site or same-site (another port) with a 403', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const response = refuseCrossSite(post('{}', { ...json, 'sec-fetch-site': site }))
      expect(response?.status).toBe(403)
      expect(await response?.json()).toMatchObject({ error: { code: 'cross_site' } })
    }
  })

  it('refuses an Origin that is not the host the request addressed', () => {
    expect(refuseCrossSite(post('{}', { ...json, origin: 'https://evil.example' }))?.status).toBe(
      403,
    )
    expect(refuseCrossSite(post('{}', { ...json, origin: 'http://127.0.0.1:3001' }))?.status).toBe(
      403,
    )
    expect(refuseCrossSite(post('{}', { ...json, origin: 'null' }))?.status).toBe(403)
  })

  it('lets same-origin requests and non-browser clients (no Origin, no Sec-Fetch-Site) through', () => {
    const same = { ...json, origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }
    expect(refuseCrossSite(post('{}', same))).toBeUndefined()
    expect(refuseCrossSite(post('{}', json))).toBeUndefined()
    // Behind a proxy the addressed host is the forwarded one.
    const proxied = {
      ...json,
      host: '127.0.0.1:3000',
      'x-forwarded-host': 'duplex.example',
      origin: 'https://duplex.example',
    }
    expect(refuseCrossSite(post('{}', proxied))).toBeUndefined()
  })

  it('never blocks a read', () => {
    const get = new Request('http://127.0.0.1:3000/api/jobs', {
      headers: { 'sec-fetch-site': 'cross-site' },
    })
    expect(refuseCrossSite(get)).toBeUndefined()
  })

  it('makes readGuardedJson refuse a cross-site form before reading its body', async () => {
    const form = post('name=x', {
      'content-type': 'text/plain',
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    })
    expect((await errorOf(await readGuardedJson(form, { maxBytes: LIMIT }))).status).toBe(403)
  })
})
