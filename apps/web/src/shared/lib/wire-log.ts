/** One frame as it crossed the wire, for the wire panel. */
export interface WireEntry {
  key: number
  at: number
  direction: 'in' | 'out'
  /** What the frame is in its protocol: `event`, `comment`, `retry`, `ping`, `sync-step-1`… */
  kind: string
  /** Event name, when the protocol has one. */
  event?: string
  id?: string
  /** The frame's text exactly as it was sent or received (binary frames: a readable rendering). */
  text: string
  bytes: number
  /** Which connection it came over, so reconnects are visible. */
  connection?: number
}

/**
 * The most frames the panel keeps in the page. A ticker sends several a second for as long as the
 * page is open; older frames leave the list (and the DOM) and are counted in `dropped`, so the
 * page's size stays flat however long it runs.
 */
export const WIRE_LOG_CAP = 100

export interface WireLog {
  entries: readonly WireEntry[]
  counts: Readonly<Record<string, number>>
  totalBytes: number
  /** Frames that were shown and have since left the list because of the cap (since the last clear). */
  dropped: number
  /** How many frames the list keeps at most. */
  cap: number
  push(entry: Omit<WireEntry, 'key'>): void
  clear(): void
  paused: boolean
  setPaused(paused: boolean): void
}

/** A run of frame text: plain, or a JSON string that holds right-to-left text and must be isolated. */
export interface WireTextPart {
  text: string
  isolate: boolean
}

const JSON_STRING = /"(?:[^"\\\n]|\\.)*"/g
/** Strong right-to-left letters: Hebrew, Arabic, Syriac, Thaana, NKo… and their presentation forms. */
const RTL =
  /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]|\uD802[\uDC00-\uDFFF]|\uD803[\uDC00-\uDE7F]|\uD83A[\uDC00-\uDFFF]|\uD83B[\uDC00-\uDEFF]/

/**
 * Splits a frame's text so every JSON string holding right-to-left text can be wrapped in `<bdi>`:
 * without it, `{"text":"שלום, עולם"}` is reordered by the bidi algorithm and the quotes, commas
 * and braces land on the wrong side. Strings without such text stay in the plain runs (no extra
 * nodes for the common case). Joining the parts gives back the text unchanged.
 */
export function splitWireText(text: string): WireTextPart[] {
  if (!RTL.test(text)) return [{ text, isolate: false }]
  const parts: WireTextPart[] = []
  let last = 0
  for (const match of text.matchAll(JSON_STRING)) {
    if (!RTL.test(match[0])) continue
    const start = match.index
    if (start > last) parts.push({ text: text.slice(last, start), isolate: false })
    parts.push({ text: match[0], isolate: true })
    last = start + match[0].length
  }
  if (last < text.length) parts.push({ text: text.slice(last), isolate: false })
  return parts
}
