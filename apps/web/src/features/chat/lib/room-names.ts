'use client'

import { useSyncExternalStore } from 'react'

/**
 * The names of the rooms this tab has seen (from the room list or a join), by slug, so the page
 * title can say "#ÜBER café" while the URL says `/chat/uber-cafe`.
 */
const names = new Map<string, string>()
const listeners = new Set<() => void>()

export function rememberRoomName(slug: string, name: string): void {
  if (names.get(slug) === name) return
  names.set(slug, name)
  for (const listener of listeners) listener()
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The room's name once known; its slug until then (and on the server). */
export function useRoomName(slug: string): string {
  return useSyncExternalStore(
    subscribe,
    () => names.get(slug) ?? slug,
    () => slug,
  )
}
