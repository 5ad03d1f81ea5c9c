import type { ReactNode } from 'react'

/** The tags messages may use, for `t.rich(key, RICH_TAGS)`: code names stay code in every language. */
export const RICH_TAGS = {
  code: (chunks: ReactNode) => <code>{chunks}</code>,
}
