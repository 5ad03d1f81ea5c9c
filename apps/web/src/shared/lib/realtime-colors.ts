/**
 * One colour per user, derived from the user id so every tab and every peer agrees without
 * sending it: chat names, presence avatars and editor cursors of one person share a colour.
 * Each is dark enough for white text and a 3:1 ring on white, and readable on slate-900.
 */
const PALETTE = [
  '#c2410c', // orange-700
  '#b45309', // amber-700
  '#4d7c0f', // lime-700
  '#047857', // emerald-700
  '#0e7490', // cyan-700
  '#1d4ed8', // blue-700
  '#6d28d9', // violet-700
  '#a21caf', // fuchsia-700
  '#be123c', // rose-700
  '#0f766e', // teal-700
] as const

export interface UserColor {
  /** Solid colour: avatar background, caret, name tag. */
  color: string
  /** Translucent version for remote selections. */
  colorLight: string
}

/** FNV-1a: tiny, stable across runtimes, good enough to spread ids over a palette. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

export function userColor(userId: string): UserColor {
  const color = PALETTE[hash(userId) % PALETTE.length] ?? PALETTE[0]
  return { color, colorLight: `${color}33` }
}

/** One or two graphemes for an avatar (see ./initials.ts): "Ada Lovelace" → "AL", "李雷" → "李". */
export { initials } from './initials'
