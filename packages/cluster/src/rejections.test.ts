import { describe, expect, it } from 'vitest'
import { createRejectionReporter, describeCause } from './rejections.ts'

describe('createRejectionReporter', () => {
  it('logs each distinct cause once and reports every rejection', () => {
    const lines: string[] = []
    let reported = 0
    const report = createRejectionReporter({
      log: (message) => lines.push(message),
      onRejection: () => reported++,
    })
    const lost = () => new Error('Reached the max retries per request limit (which is 0).')
    report(lost())
    report(lost())
    report(new Error('Connection is closed.', { cause: new Error('read ECONNRESET') }))
    expect(reported).toBe(3)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/keeps running.*max retries per request/)
    expect(lines[1]).toContain('Connection is closed. ← caused by Error: read ECONNRESET')
  })

  it('stops logging new causes past its bound, but keeps counting', () => {
    const lines: string[] = []
    let reported = 0
    const report = createRejectionReporter({
      log: (message) => lines.push(message),
      onRejection: () => reported++,
      maxDistinct: 2,
    })
    for (let i = 0; i < 10; i++) report(new Error(`cause ${i}`))
    expect(reported).toBe(10)
    expect(lines).toHaveLength(3)
    expect(lines[2]).toMatch(/2 distinct unhandled rejections logged; counting the rest only/)
  })
})

describe('describeCause', () => {
  it('describes what is not an Error too', () => {
    expect(describeCause('session or offset not found')).toBe('session or offset not found')
    expect(describeCause({ code: 42 })).toBe('{"code":42}')
    expect(describeCause(undefined)).toBe('')
  })
})
