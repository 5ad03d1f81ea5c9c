import { describe, expect, it } from 'vitest'
import { realtimeBaseUrl, sharesCookies, toWebSocketUrl } from './realtime-url.ts'

const page = (href: string) => new URL(href)

describe('realtimeBaseUrl', () => {
  it('uses the page host with REALTIME_PORT when no public URL is set', () => {
    expect(
      realtimeBaseUrl({ publicUrl: undefined, port: 3001 }, page('http://127.0.0.1:3000/chat')),
    ).toBe('http://127.0.0.1:3001')
    expect(
      realtimeBaseUrl({ publicUrl: '', port: 4001 }, page('https://demo.example/editor/x')),
    ).toBe('https://demo.example:4001')
  })

  it('keeps IPv6 brackets', () => {
    expect(realtimeBaseUrl({ publicUrl: undefined, port: 3001 }, page('http://[::1]:3000/'))).toBe(
      'http://[::1]:3001',
    )
  })

  it('prefers REALTIME_PUBLIC_URL, without a trailing slash', () => {
    const config = { publicUrl: 'https://rt.example/realtime/', port: 3001 }
    expect(realtimeBaseUrl(config, page('http://localhost:3000/'))).toBe(
      'https://rt.example/realtime',
    )
  })

  it('reads a relative public URL as the page’s own origin (one origin behind a proxy)', () => {
    expect(
      realtimeBaseUrl({ publicUrl: '/', port: 3001 }, page('https://duplex.example/chat')),
    ).toBe('https://duplex.example')
  })
})

describe('toWebSocketUrl', () => {
  it('swaps http for ws and https for wss', () => {
    expect(toWebSocketUrl('http://127.0.0.1:3001')).toBe('ws://127.0.0.1:3001')
    expect(toWebSocketUrl('https://rt.example/realtime')).toBe('wss://rt.example/realtime')
  })
})

describe('sharesCookies', () => {
  it('is true across ports of one host and false for another host', () => {
    expect(sharesCookies('http://127.0.0.1:3001', page('http://127.0.0.1:3000/'))).toBe(true)
    expect(sharesCookies('http://localhost:3001', page('http://127.0.0.1:3000/'))).toBe(false)
  })
})

// Cases from the proxy set-up (`same-origin`), kept beside the ones above.
describe('realtimeBaseUrl behind a proxy', () => {
  const proxied = new URL('https://duplex.example:8443/chat/lobby')

  it('uses the page host with REALTIME_PORT when nothing is configured', () => {
    expect(realtimeBaseUrl({ publicUrl: undefined, port: 3001 }, proxied)).toBe(
      'https://duplex.example:3001',
    )
  })

  it('uses the page origin behind a proxy: `same-origin` or `/`', () => {
    for (const publicUrl of ['same-origin', '/']) {
      expect(realtimeBaseUrl({ publicUrl, port: 3001 }, proxied)).toBe(
        'https://duplex.example:8443',
      )
    }
    expect(toWebSocketUrl(realtimeBaseUrl({ publicUrl: 'same-origin', port: 3001 }, proxied))).toBe(
      'wss://duplex.example:8443',
    )
  })

  it('uses a full URL as given, without a trailing slash', () => {
    expect(realtimeBaseUrl({ publicUrl: 'https://rt.duplex.example/', port: 3001 }, proxied)).toBe(
      'https://rt.duplex.example',
    )
    expect(sharesCookies('https://rt.duplex.example', proxied)).toBe(false)
  })
})
