import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy } from './csp.ts'

const directives = (policy: string) =>
  Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]))

describe('contentSecurityPolicy', () => {
  const base = { nonce: 'abc123', realtime: { publicUrl: undefined, port: 3001 }, dev: false }

  it('allows scripts only from this origin and with the nonce, and forbids framing', () => {
    const d = directives(
      contentSecurityPolicy({ ...base, page: new URL('http://127.0.0.1:3000/chat') }),
    )
    expect(d['script-src']).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"])
    expect(d['frame-ancestors']).toEqual(["'none'"])
    expect(d['object-src']).toEqual(["'none'"])
  })

  it('lets the page connect to the realtime server on its port, over http and ws, and nowhere else', () => {
    const d = directives(
      contentSecurityPolicy({ ...base, page: new URL('http://127.0.0.1:3000/') }),
    )
    expect(d['connect-src']).toEqual([
      "'self'",
      'http://127.0.0.1:3001',
      'ws://127.0.0.1:3001',
      'ws://127.0.0.1:3000',
    ])
    const proxied = directives(
      contentSecurityPolicy({
        ...base,
        realtime: { publicUrl: 'same-origin', port: 3001 },
        page: new URL('https://duplex.example/'),
      }),
    )
    expect(proxied['connect-src']).toEqual([
      "'self'",
      'https://duplex.example',
      'wss://duplex.example',
    ])
  })

  it("adds 'unsafe-eval' only under next dev", () => {
    const dev = directives(
      contentSecurityPolicy({ ...base, dev: true, page: new URL('http://localhost:3000/') }),
    )
    expect(dev['script-src']).toContain("'unsafe-eval'")
  })
})
