import { describe, expect, it } from 'vitest'
import { splitWireText } from './wire-log'

describe('splitWireText', () => {
  it('leaves text without right-to-left letters in one plain part', () => {
    const text = 'id: 5\nevent: tick\ndata: {"symbol":"AAPL","price":1.5}\n'
    expect(splitWireText(text)).toEqual([{ text, isolate: false }])
  })

  it('isolates each JSON string holding Hebrew or Arabic, and nothing else', () => {
    const text = '42["message",{"text":"שלום, עולם!","user":"Ada","room":"مرحبا"}]'
    const parts = splitWireText(text)
    expect(parts.filter((p) => p.isolate).map((p) => p.text)).toEqual(['"שלום, עולם!"', '"مرحبا"'])
    expect(parts.map((p) => p.text).join('')).toBe(text)
  })

  it('keeps escaped quotes inside the string it isolates', () => {
    const text = '{"text":"قال \\"مرحبا\\" لي"}'
    expect(splitWireText(text).find((p) => p.isolate)?.text).toBe('"قال \\"مرحبا\\" لي"')
  })
})
