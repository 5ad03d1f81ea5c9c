import { describe, expect, it } from 'vitest'
import { missedGoals, type Audit } from './goals.ts'
import { renderReport } from './report.ts'

const good: Audit = {
  page: '/about',
  state: 'signed in',
  preset: 'mobile',
  performance: 93,
  accessibility: 100,
  bestPractices: 100,
  seo: 100,
  cls: 0.01,
  tbtMs: 120,
  lcpMs: 1800,
}

describe('missedGoals', () => {
  it('holds a signed-in phone page to 90 and a desktop one to 98', () => {
    expect(missedGoals(good)).toEqual([])
    expect(missedGoals({ ...good, preset: 'desktop' })).toEqual(['performance 93 < 98'])
  })

  it('does not hold a signed-out page to a performance goal, but to every other', () => {
    expect(
      missedGoals({ ...good, state: 'signed out', performance: 60, seo: 92, cls: 0.2 }),
    ).toEqual(['SEO 92 < 100', 'CLS 0.200 ≥ 0.05'])
  })
})

describe('renderReport', () => {
  it('lists every audit and counts the ones that meet every goal', () => {
    const report = renderReport([good, { ...good, preset: 'desktop' }], {
      startedAt: '2026-12-07T18:00:00Z',
      commit: 'abc1234',
      chromium: 'Chromium 156',
      lighthouse: '12.8.2',
    })
    expect(report).toContain('**1 of 2 audits meet every goal.**')
    expect(report).toContain('| `/about` | signed in | desktop | 93 |')
    expect(report).toContain('**performance 93 < 98**')
  })
})

describe('renderReport', () => {
  it('marks the rows of a demo page for remove-demo, and not the home page', () => {
    const info = { startedAt: 'now', commit: 'abc', chromium: 'c', lighthouse: 'l' }
    const text = renderReport([good, { ...good, page: '/' }], info)
    expect(text).toContain('| `/about` | signed in | mobile |')
    expect(text.split('\n').filter((l) => l.endsWith('<!-- demo:about -->'))).toHaveLength(1)
    expect(text.split('\n').find((l) => l.startsWith('| `/` |'))).toMatch(/\|$/)
  })
})
