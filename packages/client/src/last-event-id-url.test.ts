import { describe, expect, it } from 'vitest'
import { withLastEventId } from './last-event-id-url.ts'

describe('withLastEventId', () => {
  it.each([
    ['/api/prices/stream', '/api/prices/stream?lastEventId=42'],
    ['/api/prices/stream?symbols=AAPL,MSFT', '/api/prices/stream?symbols=AAPL,MSFT&lastEventId=42'],
    ['/s?lastEventId=1&a=b', '/s?a=b&lastEventId=42'],
    ['/s?a=1&lastEventId=1&lastEventId=2', '/s?a=1&lastEventId=42'],
    ['/s?', '/s?lastEventId=42'],
    ['/s#panel', '/s?lastEventId=42#panel'],
    ['https://example.com:8443/s?x=%2C#h', 'https://example.com:8443/s?x=%2C&lastEventId=42#h'],
    ['/s?lastEventIdx=1', '/s?lastEventIdx=1&lastEventId=42'],
  ])('turns %s into %s', (url, expected) => {
    expect(withLastEventId(url, '42')).toBe(expected)
  })

  it('encodes an id that is not URL-safe', () => {
    expect(withLastEventId('/s', 'a b&c=d/é')).toBe('/s?lastEventId=a%20b%26c%3Dd%2F%C3%A9')
    expect(
      new URL(withLastEventId('http://h/s', 'a b&c=d/é')).searchParams.get('lastEventId'),
    ).toBe('a b&c=d/é')
  })
})
