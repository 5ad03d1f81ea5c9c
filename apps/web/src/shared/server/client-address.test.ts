import { createProxyTrust, NO_TRUSTED_PROXIES, type ProxyTrust } from '@duplex/cluster'
import { mkdtempSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CLIENT_ADDRESS_HEADER, installClientAddressHeader } from './client-address.ts'

// The sign-in route reads its settings at import: a data folder of its own, a budget of 2.
vi.stubEnv('DUPLEX_DATA_DIR', mkdtempSync(path.join(tmpdir(), 'duplex-client-address-')))
vi.stubEnv('SESSION_MINT_PER_MINUTE', '2')
vi.stubEnv('SESSION_SECRET', 'a-test-secret-that-is-long-enough-for-hs256')
const { POST } = await import('./routes/session.ts')
const { clientIp } = await import('./limits.ts')

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * A real HTTP server on 127.0.0.1 that hands each request to `handle` as a fetch `Request`, built
 * from `req.headers` as Next's adapter builds it, with the hook installed as instrumentation.ts
 * installs it.
 */
async function serve(
  trust: ProxyTrust,
  handle: (request: Request) => Promise<Response> | Response,
): Promise<string> {
  cleanups.push(installClientAddressHeader(trust))
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers.set(name, [value].flat().join(', '))
      const body = req.method === 'POST' ? Buffer.concat(chunks) : undefined
      const response = await handle(
        new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body }),
      )
      res.writeHead(response.status, { 'content-type': 'application/json' })
      res.end(await response.text())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const whoAmI = (request: Request) => Response.json({ ip: clientIp(request) })

async function ipSeen(url: string, headers: Record<string, string>): Promise<string> {
  const response = await fetch(url, { headers })
  return ((await response.json()) as { ip: string }).ip
}

describe('the client address the web app counts', () => {
  it('is the TCP peer when no proxy is trusted, whatever the client claims', async () => {
    const url = await serve(NO_TRUSTED_PROXIES, whoAmI)
    expect(await ipSeen(url, {})).toBe('127.0.0.1')
    expect(
      await ipSeen(url, {
        'X-Forwarded-For': '203.0.113.7',
        // Our own header, forged: overwritten before any route reads it.
        [CLIENT_ADDRESS_HEADER]: '198.51.100.1',
      }),
    ).toBe('127.0.0.1')
  })

  it('is the client a trusted proxy names, read from the right of X-Forwarded-For', async () => {
    const url = await serve(createProxyTrust(['loopback']), whoAmI)
    expect(await ipSeen(url, { 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' })).toBe(
      '203.0.113.7',
    )
    expect(await ipSeen(url, {})).toBe('127.0.0.1')
  })

  it('keeps a client that forges X-Forwarded-For inside the per-IP sign-in limit', async () => {
    const url = await serve(NO_TRUSTED_PROXIES, POST)
    const signIn = (name: string, claimed: string) =>
      fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': claimed },
        body: JSON.stringify({ name }),
      })
    expect((await signIn('Ada', '203.0.113.1')).status).toBe(200)
    expect((await signIn('Bob', '203.0.113.2')).status).toBe(200)
    const third = await signIn('Eve', '203.0.113.3')
    expect(third.status).toBe(429)
    expect(await third.json()).toMatchObject({ error: { code: 'rate_limited' } })
  })
})
