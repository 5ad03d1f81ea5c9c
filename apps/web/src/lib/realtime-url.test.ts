import { describe, expect, it } from 'vitest'
import { realtimeBaseUrl, sharesCookies, toWebSocketUrl } from './realtime-url.ts'

const page = new URL('https://duplex.example:8443/chat/lobby')

describe('realtimeBaseUrl', () => {
  it('uses the page host with REALTIME_PORT when nothing is configured', () => {
    expect(realtimeBaseUrl({ publicUrl: undefined, port: 3001 }, page)).toBe(
      'https://duplex.example:3001',
    )
  })

  it('uses the page origin behind a proxy: `same-origin` or `/`', () => {
    for (const publicUrl of ['same-origin', '/']) {
      expect(realtimeBaseUrl({ publicUrl, port: 3001 }, page)).toBe('https://duplex.example:8443')
    }
    expect(toWebSocketUrl(realtimeBaseUrl({ publicUrl: 'same-origin', port: 3001 }, page))).toBe(
      'wss://duplex.example:8443',
    )
  })

  it('uses a full URL as given, without a trailing slash', () => {
    expect(realtimeBaseUrl({ publicUrl: 'https://rt.duplex.example/', port: 3001 }, page)).toBe(
      'https://rt.duplex.example',
    )
    expect(sharesCookies('https://rt.duplex.example', page)).toBe(false)
  })
})
