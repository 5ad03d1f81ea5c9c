/**
 * Classes that turn a table into one card per row below `sm` (a phone): the header row hides,
 * each cell shows its column's name from `data-label` before its value, and every value stays on
 * screen instead of in a sideways scroll. From `sm` up it is an ordinary table.
 */
export const STACKED = {
  table: 'max-sm:block',
  head: 'max-sm:hidden',
  body: 'max-sm:block',
  row: 'max-sm:grid max-sm:grid-cols-2 max-sm:gap-x-4 max-sm:px-3 max-sm:py-2',
  /** A cell that spans the card's width on a phone (the row's name). */
  wide: 'max-sm:col-span-2 max-sm:px-0 max-sm:py-1',
  cell: 'max-sm:flex max-sm:items-baseline max-sm:justify-between max-sm:gap-2 max-sm:px-0 max-sm:py-0.5 max-sm:text-right max-sm:before:shrink-0 max-sm:before:text-left max-sm:before:text-xs max-sm:before:font-medium max-sm:before:text-slate-500 max-sm:before:content-[attr(data-label)] dark:max-sm:before:text-slate-400',
} as const
