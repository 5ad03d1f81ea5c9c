/**
 * How an app runs: `single` is one process with its state in memory and files (SQLite), `cluster`
 * is one of several instances sharing PostgreSQL and Redis. The same two words appear in logs,
 * health answers and the README.
 */
export type ClusterMode = 'single' | 'cluster'

/**
 * The mode for log lines, with what it runs on.
 *
 * @example
 * describeMode('single', 'SQLite in /srv/duplex/data') // 'single mode: SQLite in /srv/duplex/data'
 * describeMode('cluster') // 'cluster mode'
 */
export function describeMode(mode: ClusterMode, detail?: string): string {
  return detail === undefined || detail === '' ? `${mode} mode` : `${mode} mode: ${detail}`
}
