'use client'

import { useTranslations } from 'next-intl'
import { useCallback } from 'react'
import type { CreateRoomRefusal } from '../hooks/use-realtime-rooms'

const WORDS = ['limit_reached', 'rate_limited', 'unavailable', 'invalid', 'timeout'] as const
type Worded = (typeof WORDS)[number]
const hasWords = (code: string): code is Worded => (WORDS as readonly string[]).includes(code)

/** Why a room was not created, in the page's language. */
export function useRefusalText() {
  const t = useTranslations('chat.rooms.errors')
  return useCallback(
    (refusal: CreateRoomRefusal) => {
      if (refusal.code === 'not_connected') return t('notConnected')
      if (refusal.code === 'rate_limited') {
        return t('rate_limited', {
          seconds: Math.max(1, Math.ceil((refusal.retryAfterMs ?? 1000) / 1000)),
        })
      }
      return hasWords(refusal.code) ? t(refusal.code) : t('unknown')
    },
    [t],
  )
}
