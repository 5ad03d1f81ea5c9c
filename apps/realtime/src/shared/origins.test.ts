import { describe, expect, it } from 'vitest'
import { createOriginPolicy } from './origins.ts'

describe('createOriginPolicy', () => {
  it('allows the web app on localhost and 127.0.0.1 by default', () => {
    const policy = createOriginPolicy({ allowed: undefined, sameHostInDev: false })
    expect(policy.isAllowed('http://localhost:3000', 'localhost:3001')).toBe(true)
    expect(policy.isAllowed('http://127.0.0.1:3000', '127.0.0.1:3001')).toBe(true)
    expect(policy.isAllowed('https://evil.example', 'localhost:3001')).toBe(false)
  })

  it('allows the web app on the port it runs on (PORT), and no other port, by default', () => {
    const policy = createOriginPolicy({ allowed: undefined, webPort: 4100, sameHostInDev: false })
    for (const page of ['http://localhost:4100', 'http://127.0.0.1:4100', 'http://[::1]:4100'])
      expect(policy.isAllowed(page, 'localhost:4101'), page).toBe(true)
    expect(policy.isAllowed('http://localhost:3000', 'localhost:4101')).toBe(false)
    expect(policy.isAllowed('http://localhost:4101', 'localhost:4101')).toBe(false)
    // Another host name on the right port is another site: its own ALLOWED_ORIGINS entry.
    expect(policy.isAllowed('http://192.168.1.20:4100', '192.168.1.20:4101')).toBe(false)
    expect(policy.isAllowed('https://localhost:4100', 'localhost:4101')).toBe(false)
  })

  it('spells port 80 the way a browser sends it', () => {
    const policy = createOriginPolicy({ allowed: undefined, webPort: 80, sameHostInDev: false })
    expect(policy.isAllowed('http://localhost', 'localhost:3001')).toBe(true)
  })

  it('ignores PORT once ALLOWED_ORIGINS is set', () => {
    const policy = createOriginPolicy({
      allowed: ['https://duplex.example'],
      webPort: 4100,
      sameHostInDev: false,
    })
    expect(policy.isAllowed('http://localhost:4100', 'localhost:4101')).toBe(false)
  })

  it('allows requests without an Origin header (they still need a token)', () => {
    expect(
      createOriginPolicy({ allowed: [], sameHostInDev: false }).isAllowed(undefined, undefined),
    ).toBe(true)
  })

  it('in development, allows any port on the host the client reached us by', () => {
    const policy = createOriginPolicy({ allowed: undefined, sameHostInDev: true })
    expect(policy.isAllowed('http://192.168.1.20:3000', '192.168.1.20:3001')).toBe(true)
    expect(policy.isAllowed('http://192.168.1.21:3000', '192.168.1.20:3001')).toBe(false)
    expect(policy.isAllowed('http://[::1]:3000', '[::1]:3001')).toBe(true)
  })

  it('uses only the configured list when ALLOWED_ORIGINS is set', () => {
    const policy = createOriginPolicy({ allowed: ['https://duplex.example'], sameHostInDev: true })
    expect(policy.isAllowed('https://duplex.example', 'rt.duplex.example')).toBe(true)
    expect(policy.isAllowed('http://localhost:3000', 'localhost:3001')).toBe(false)
  })

  it('allows everything with *', () => {
    expect(
      createOriginPolicy({ allowed: '*', sameHostInDev: false }).isAllowed(
        'https://any.example',
        'x',
      ),
    ).toBe(true)
  })
})
