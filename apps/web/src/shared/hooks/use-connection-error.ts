'use client'

import { useTranslations } from 'next-intl'
import { useCallback } from 'react'
import { classifyConnectionError } from '@/shared/lib/connection-error'
import { useOnline } from './use-online'

/**
 * `describeConnectionError` in the page's language, aware of the browser's network: with no
 * network the answer is "this device is offline", never "the realtime server is not answering".
 * A reason it has no words for (the server's own, e.g. `unauthorized: token expired`) is kept.
 */
export function useDescribeConnectionError(): (reason: string | null) => string | null {
  const t = useTranslations('connection')
  const online = useOnline()
  return useCallback(
    (reason: string | null) => {
      const problem = classifyConnectionError(reason, online)
      if (!problem) return null
      return problem.kind === 'other' ? problem.reason : t(problem.kind)
    },
    [t, online],
  )
}
