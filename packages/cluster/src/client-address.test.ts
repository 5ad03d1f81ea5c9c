import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createProxyTrust, NO_TRUSTED_PROXIES, ProxyEnvShape } from './client-address.ts'

const EnvSchema = z.object(ProxyEnvShape)

describe('the client address behind TRUSTED_PROXIES', () => {
  it('ignores a forged X-Forwarded-For from a peer that is not a trusted proxy', () => {
    const forged = { peer: '203.0.113.7', forwardedFor: '198.51.100.1' }
    expect(NO_TRUSTED_PROXIES.clientAddress(forged)).toBe('203.0.113.7')
    expect(createProxyTrust(['loopback']).clientAddress(forged)).toBe('203.0.113.7')
    expect(createProxyTrust(['10.0.0.0/8']).clientAddress(forged)).toBe('203.0.113.7')
  })

  it('trusts no proxy by default, not even one on this host', () => {
    const viaLocalProxy = { peer: '127.0.0.1', forwardedFor: '203.0.113.7' }
    expect(NO_TRUSTED_PROXIES.clientAddress(viaLocalProxy)).toBe('127.0.0.1')
    expect(EnvSchema.parse({}).TRUSTED_PROXIES.clientAddress(viaLocalProxy)).toBe('127.0.0.1')
    expect(EnvSchema.parse({ TRUSTED_PROXIES: '' }).TRUSTED_PROXIES.proxies).toEqual([])
  })

  it('takes the hop a trusted proxy appended, not what the client wrote before it', () => {
    const trust = createProxyTrust(['127.0.0.1'])
    // nginx's $proxy_add_x_forwarded_for: the client's own header, then the address nginx saw.
    expect(
      trust.clientAddress({ peer: '127.0.0.1', forwardedFor: '198.51.100.1, 203.0.113.7' }),
    ).toBe('203.0.113.7')
    expect(trust.clientAddress({ peer: '127.0.0.1', forwardedFor: '203.0.113.7' })).toBe(
      '203.0.113.7',
    )
  })

  it('walks past every trusted hop, a load balancer in front of nginx for example', () => {
    const trust = createProxyTrust(['127.0.0.1', '10.0.0.0/8'])
    expect(
      trust.clientAddress({
        peer: '127.0.0.1',
        forwardedFor: ['198.51.100.1, 203.0.113.7', '10.1.2.3'],
      }),
    ).toBe('203.0.113.7')
  })

  it('falls back to the peer when a trusted proxy sends no header, and to the farthest hop when all are trusted', () => {
    const trust = createProxyTrust(['loopback'])
    expect(trust.clientAddress({ peer: '127.0.0.1', forwardedFor: undefined })).toBe('127.0.0.1')
    expect(trust.clientAddress({ peer: '127.0.0.1', forwardedFor: ' , ' })).toBe('127.0.0.1')
    expect(trust.clientAddress({ peer: '127.0.0.1', forwardedFor: '127.0.0.5' })).toBe('127.0.0.5')
  })

  it('gives one spelling per address, whatever the socket family', () => {
    const trust = createProxyTrust(['127.0.0.1'])
    expect(NO_TRUSTED_PROXIES.clientAddress({ peer: '::ffff:203.0.113.7', forwardedFor: '' })).toBe(
      '203.0.113.7',
    )
    // An IPv4 proxy on a dual-stack socket is still that proxy.
    expect(trust.clientAddress({ peer: '::ffff:127.0.0.1', forwardedFor: '2001:db8:0:0::1' })).toBe(
      '2001:db8::1',
    )
    expect(NO_TRUSTED_PROXIES.clientAddress({ peer: undefined, forwardedFor: '1.2.3.4' })).toBe(
      'unknown',
    )
  })

  it('reads comma-separated addresses, CIDRs, netmasks and the named ranges', () => {
    const trust = EnvSchema.parse({
      TRUSTED_PROXIES: ' 192.0.2.10 , 10.0.0.0/8,172.16.0.0/255.240.0.0, ::1, loopback',
    }).TRUSTED_PROXIES
    expect(trust.proxies).toEqual([
      '192.0.2.10',
      '10.0.0.0/8',
      '172.16.0.0/255.240.0.0',
      '::1',
      'loopback',
    ])
    for (const proxy of ['192.0.2.10', '10.9.8.7', '172.31.0.1', '::1', '127.0.0.2'])
      expect(trust.trusts(proxy), proxy).toBe(true)
    for (const other of ['192.0.2.11', '172.32.0.1', '203.0.113.7'])
      expect(trust.trusts(other), other).toBe(false)
    expect(createProxyTrust(['uniquelocal']).trusts('192.168.1.1')).toBe(true)
  })

  it('refuses an entry it cannot read, and trusting everyone, with a message that says why', () => {
    const bad = EnvSchema.safeParse({ TRUSTED_PROXIES: '10.0.0.1, nginx' })
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['TRUSTED_PROXIES'],
      message:
        '"nginx" is not an IP address, a CIDR (10.0.0.0/8) or one of loopback, linklocal, uniquelocal',
    })
    expect(EnvSchema.safeParse({ TRUSTED_PROXIES: '10.0.0.0/33' }).success).toBe(false)
    expect(EnvSchema.safeParse({ TRUSTED_PROXIES: '*' }).error?.issues[0]?.message).toMatch(
      /trusting every peer lets any client choose its address/,
    )
  })
})
