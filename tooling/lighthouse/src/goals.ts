/** What one Lighthouse run measured, as the report keeps it. */
export interface Audit {
  page: string
  state: 'signed out' | 'signed in'
  preset: 'mobile' | 'desktop'
  /** Category scores, 0–100. */
  performance: number
  accessibility: number
  bestPractices: number
  seo: number
  /** Cumulative layout shift. */
  cls: number
  /** Total blocking time, ms. */
  tbtMs: number
  /** Largest contentful paint, ms. */
  lcpMs: number
}

/**
 * Issue 19's goals: performance ≥ 90 on a phone and ≥ 98 on a desktop for every page signed in;
 * accessibility, best practices and SEO 100 everywhere; layout shift under 0.05.
 */
export const GOALS = {
  performance: { mobile: 90, desktop: 98 },
  otherCategories: 100,
  cls: 0.05,
} as const

/** The goals an audit misses, in words (empty when it meets them all). */
export function missedGoals(audit: Audit): string[] {
  const missed: string[] = []
  const performanceGoal = GOALS.performance[audit.preset]
  if (audit.state === 'signed in' && audit.performance < performanceGoal) {
    missed.push(`performance ${audit.performance} < ${performanceGoal}`)
  }
  for (const [name, score] of [
    ['accessibility', audit.accessibility],
    ['best practices', audit.bestPractices],
    ['SEO', audit.seo],
  ] as const) {
    if (score < GOALS.otherCategories) missed.push(`${name} ${score} < ${GOALS.otherCategories}`)
  }
  if (audit.cls >= GOALS.cls) missed.push(`CLS ${audit.cls.toFixed(3)} ≥ ${GOALS.cls}`)
  return missed
}
