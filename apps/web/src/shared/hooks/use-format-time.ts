'use client'

import { useLocale } from 'next-intl'
import { useMemo } from 'react'

export interface FormatTimeOptions {
  /** Show seconds (default true). */
  seconds?: boolean
  /** Show milliseconds after the seconds, as the wire panel does (default false). */
  milliseconds?: boolean
}

const cache = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: string, options: FormatTimeOptions): Intl.DateTimeFormat {
  const seconds = options.seconds ?? true
  const milliseconds = seconds && (options.milliseconds ?? false)
  const key = `${locale}|${seconds}|${milliseconds}`
  let format = cache.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {}),
      ...(milliseconds ? { fractionalSecondDigits: 3 } : {}),
      // One clock on every page and in every language: 24-hour, as the wire panel always was.
      hourCycle: 'h23',
    })
    cache.set(key, format)
  }
  return format
}

/** A time of day in the reader's locale, 24-hour, in the browser's time zone. */
export function formatTime(
  locale: string,
  at: number | Date,
  options: FormatTimeOptions = {},
): string {
  return formatter(locale, options).format(at)
}

/**
 * Times of day for the page's locale (`14:31:05`, `14:31:05.120` with milliseconds), the same in
 * the wire panel, chat and the "Break it" timelines. Built on `Intl.DateTimeFormat`, never by hand.
 */
export function useFormatTime(): (at: number | Date, options?: FormatTimeOptions) => string {
  const locale = useLocale()
  return useMemo(
    () =>
      (at: number | Date, options: FormatTimeOptions = {}) =>
        formatTime(locale, at, options),
    [locale],
  )
}
