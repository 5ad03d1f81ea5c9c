import { describe, expect, it } from 'vitest'
import { createOriginPolicy } from './origins.ts'

describe('createOriginPolicy', () => {
  it('allows the web app on localhost and 127.0.0.1 by default', () => {
    const policy = createOriginPolicy({ allowed: undefined, sameHostInDev: false })
    expect(policy.isAllowed('http://localhost:3000', 'localhost:3001')).toBe(true)
    expect(policy.isAllowed('http://127.0.0.1:3000', '127.0.0.1:3001')).toBe(true)
    expect(policy.isAllowed('https://evil.example', 'localhost:3001')).toBe(false)
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
