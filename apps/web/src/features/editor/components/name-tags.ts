import { ViewPlugin, type EditorView } from '@codemirror/view'
import type { Awareness } from 'y-protocols/awareness'

/** How long another person's name tag stays up after their cursor moved. */
export const NAME_TAG_MS = 2500

/** The colour y-codemirror.next writes into a caret's style (`background-color: #e91e63; …`). */
const CARET_COLOUR = /background-color:\s*(#[0-9a-fA-F]{6})/

/**
 * Other people's name tags sit above their caret, over the line before: kept up all the time they
 * hide that text. Like other collaborative editors, a tag shows for {@link NAME_TAG_MS} after that
 * person's cursor moved (they typed or clicked), and while the pointer is over their caret; the
 * coloured caret and its dot stay. Marks carets with `data-recent`, which the theme shows.
 */
export function recentNameTags(awareness: Awareness) {
  return ViewPlugin.define((view: EditorView) => {
    /** Cursor colour → when that person's cursor last moved. */
    const movedAt = new Map<string, number>()
    let frame = 0
    let timer: ReturnType<typeof setTimeout> | undefined

    const mark = () => {
      frame = 0
      const now = Date.now()
      let next = Infinity
      for (const caret of view.dom.querySelectorAll<HTMLElement>('.cm-ySelectionCaret')) {
        const colour = CARET_COLOUR.exec(caret.getAttribute('style') ?? '')?.[1]?.toLowerCase()
        const at = colour === undefined ? undefined : movedAt.get(colour)
        const left = at === undefined ? 0 : at + NAME_TAG_MS - now
        if (left > 0) {
          caret.dataset.recent = 'true'
          next = Math.min(next, left)
        } else delete caret.dataset.recent
      }
      clearTimeout(timer)
      if (next !== Infinity) timer = setTimeout(schedule, next + 20)
    }
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(mark)
    }
    const onChange = ({ added, updated }: { added: number[]; updated: number[] }) => {
      const states = awareness.getStates()
      for (const id of [...added, ...updated]) {
        if (id === awareness.clientID) continue
        const colour = (states.get(id) as { user?: { color?: unknown } } | undefined)?.user?.color
        if (typeof colour === 'string') movedAt.set(colour.toLowerCase(), Date.now())
      }
      schedule()
    }
    awareness.on('change', onChange)
    return {
      // CodeMirror may redraw a caret (a new element, unmarked) on any update.
      update: schedule,
      destroy() {
        awareness.off('change', onChange)
        cancelAnimationFrame(frame)
        clearTimeout(timer)
      },
    }
  })
}
