'use client'

import { useTranslations } from 'next-intl'
import { useSecondsLeft } from '@/shared/hooks/use-countdown'

/**
 * "retry in 7 s", counting down to "retrying now". For any wait a page knows the end of: the
 * server's `retryAfterMs` (add it to the time the answer came), a reconnect backoff.
 */
export function RetryCountdown({ until }: { until: number }) {
  const t = useTranslations('connection')
  const seconds = useSecondsLeft(until) ?? 0
  return (
    <span data-testid="retry-countdown" data-seconds={seconds} className="tabular-nums">
      {seconds > 0 ? t('retryIn', { seconds }) : t('retryingNow')}
    </span>
  )
}
