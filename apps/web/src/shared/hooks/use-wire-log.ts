'use client'

import { useCallback, useMemo, useRef, useSyncExternalStore } from 'react'
import { WIRE_LOG_CAP, type WireEntry, type WireLog } from '@/shared/lib/wire-log'

interface State {
  entries: WireEntry[]
  counts: Record<string, number>
  totalBytes: number
  dropped: number
  paused: boolean
}

/**
 * A bounded log of wire frames. Frames can arrive hundreds of times a second, so pushes are
 * batched into one render per animation frame, and only the newest `limit` entries are kept;
 * the counts cover everything since the last clear. The list never holds more than `WIRE_LOG_CAP`
 * frames (the page would grow for as long as it is open); what leaves it is counted in `dropped`.
 */
export function useWireLog(requested: number = WIRE_LOG_CAP): WireLog {
  const limit = Math.max(1, Math.min(requested, WIRE_LOG_CAP))
  const store = useRef<{
    state: State
    listeners: Set<() => void>
    queued: WireEntry[]
    raf?: number
    nextKey: number
  }>(null)
  if (store.current === null) {
    store.current = {
      state: { entries: [], counts: {}, totalBytes: 0, dropped: 0, paused: false },
      listeners: new Set(),
      queued: [],
      nextKey: 1,
    }
  }
  const s = store.current

  const subscribe = useCallback(
    (listener: () => void) => {
      s.listeners.add(listener)
      return () => {
        s.listeners.delete(listener)
        if (s.raf !== undefined) cancelAnimationFrame(s.raf)
        s.raf = undefined
      }
    },
    [s],
  )
  const state = useSyncExternalStore(
    subscribe,
    () => s.state,
    () => s.state,
  )

  const commit = useCallback(
    (next: State) => {
      s.state = next
      for (const listener of s.listeners) listener()
    },
    [s],
  )

  const push = useCallback(
    (entry: Omit<WireEntry, 'key'>) => {
      const full = { ...entry, key: s.nextKey++ }
      const counts = { ...s.state.counts, [entry.kind]: (s.state.counts[entry.kind] ?? 0) + 1 }
      // Counts and bytes stay exact even while the list is paused or trimmed.
      s.state = { ...s.state, counts, totalBytes: s.state.totalBytes + entry.bytes }
      if (!s.state.paused) s.queued.push(full)
      if (s.raf === undefined) {
        s.raf = requestAnimationFrame(() => {
          s.raf = undefined
          const all = s.queued.length
            ? [...s.queued.reverse(), ...s.state.entries]
            : s.state.entries
          const entries = all.length > limit ? all.slice(0, limit) : all
          s.queued = []
          commit({ ...s.state, entries, dropped: s.state.dropped + (all.length - entries.length) })
        })
      }
    },
    [s, limit, commit],
  )

  const clear = useCallback(() => {
    s.queued = []
    commit({ ...s.state, entries: [], counts: {}, totalBytes: 0, dropped: 0 })
  }, [s, commit])

  const setPaused = useCallback((paused: boolean) => commit({ ...s.state, paused }), [s, commit])

  return useMemo(
    () => ({ ...state, cap: limit, push, clear, setPaused }),
    [state, limit, push, clear, setPaused],
  )
}
