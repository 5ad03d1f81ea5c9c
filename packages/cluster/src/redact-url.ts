/**
 * A connection URL without its password, for logs and error messages.
 *
 * @example
 * redactUrl('postgres://app:secret@db:5432/duplex') // 'postgres://app:***@db:5432/duplex'
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparseable URL)'
  }
}
