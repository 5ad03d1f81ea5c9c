import { createTranslator } from 'next-intl'
import { describe, expect, it } from 'vitest'
import { LOCALES } from '@/shared/i18n/locales'
import { MESSAGES } from './messages.ts'

/** Every leaf of a catalogue as `path → text`, so two languages can be compared key by key. */
function leaves(tree: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (value !== null && typeof value === 'object') {
      for (const [leaf, text] of leaves(value as object, path)) out.set(leaf, text)
    } else out.set(path, value)
  }
  return out
}

/**
 * The ICU arguments (`{name}`, and `{count, plural, …}` / `{n, number}` by their name) and the
 * rich-text tags a message expects, which both languages must share. The branches of a select or
 * plural (`done {done}`) are message text, not arguments, so they are read as text again.
 */
function placeholders(text: string): string[] {
  const found = new Set([...text.matchAll(/<(\w+)>/g)].map((match) => match[1] as string))
  const message = (i: number, end: string): number => {
    while (i < text.length && text[i] !== end) i = text[i] === '{' ? argument(i + 1) : i + 1
    return i + 1
  }
  const argument = (i: number): number => {
    const head = /^\s*(\w+)\s*(?:,\s*(\w+))?/.exec(text.slice(i))
    if (head === null) return i
    found.add(head[1] as string)
    i += head[0].length
    if (['select', 'plural', 'selectordinal'].includes(head[2] ?? '')) {
      while (i < text.length && text[i] !== '}') i = text[i] === '{' ? message(i + 1, '}') : i + 1
      return i + 1
    }
    for (let depth = 1; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++
      else if (text[i] === '}') depth--
    }
    return i
  }
  message(0, '\u0000')
  return [...found].sort()
}

/** Every `{name}`, `{name, type…}` and `<tag>`: enough to give each argument a sample value. */
const ARGUMENT = /\{(\w+)(?:\}|,\s*(\w+))|<(\w+)>/g

type Values = Record<string, string | number | ((chunks: string) => string)>

const english = leaves(MESSAGES.en)
const chinese = leaves(MESSAGES['zh-CN'])

describe('the message catalogues (shared words plus every demo that is still here)', () => {
  it('have exactly the same keys in English and Chinese', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort())
  })

  it('hold a non-empty string at every key, with the same arguments and tags in both', () => {
    for (const [key, text] of english) {
      const translated = chinese.get(key)
      expect(typeof text, key).toBe('string')
      expect(typeof translated, key).toBe('string')
      expect((translated as string).trim(), key).not.toBe('')
      expect(placeholders(translated as string), key).toEqual(placeholders(text as string))
    }
  })

  it('leave no English sentence untranslated in the Chinese catalogue', () => {
    const untranslated = [...english].filter(([key, text]) => {
      const sentence = (text as string).split(/\s+/).length >= 3
      return sentence && !/\p{Script=Han}/u.test(chinese.get(key) as string)
    })
    expect(untranslated.map(([key]) => key)).toEqual([])
  })

  it('format every message in every language without an ICU error', () => {
    for (const locale of LOCALES) {
      const errors: string[] = []
      const t = createTranslator({
        locale,
        messages: MESSAGES[locale],
        onError: (error) => errors.push(error.message),
      })
      for (const [key, text] of english) {
        // Arguments get a sample value; tags render their text, as `t.rich` would.
        const values: Values = {}
        for (const [, argument, format, tag] of (text as string).matchAll(ARGUMENT)) {
          // A plural, select-ordinal or number needs a number; anything else a sample string.
          if (argument) values[argument] = format && format !== 'select' ? 1 : argument
          if (tag) values[tag] = (chunks) => chunks
        }
        const render = t.markup as (key: string, values: Values) => string
        expect(render(key, values), `${locale} ${key}`).not.toBe(key)
      }
      expect(errors, locale).toEqual([])
    }
  })
})
