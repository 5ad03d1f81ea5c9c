/** One column heading of the compare page's tables; numeric columns align right. */
export interface Column {
  label: string
  numeric?: boolean
}

/**
 * The header row every table on /compare shares, so they read as one set. Not upper-cased: the
 * headers carry units (ms, msgs/s), which would read as other units in capitals ("MS").
 */
export function TableHead({ columns, className = '' }: { columns: Column[]; className?: string }) {
  return (
    <thead
      className={`bg-slate-50 text-xs font-semibold text-slate-600 dark:bg-slate-900 dark:text-slate-400 ${className}`}
    >
      <tr>
        {columns.map((column) => (
          <th
            key={column.label}
            scope="col"
            className={`px-3 py-2${column.numeric ? ' text-right' : ''}`}
          >
            {column.label}
          </th>
        ))}
      </tr>
    </thead>
  )
}
