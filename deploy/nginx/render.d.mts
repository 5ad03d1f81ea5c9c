export interface RenderNginxOptions {
  /** Folder to write `nginx.conf` (and its temp folders) into; nginx runs with `-p <out>`. */
  out: string
  listen: number | string
  /** `host:port` of each web instance; `host:port=backup` for a standby. */
  web: string[]
  /** `host:port` of each realtime instance; `host:port=backup` for a standby. */
  realtime: string[]
  /** Suffix of the upstream names (default `main`). */
  name?: string
  /**
   * nginx `max_fails` of every server (default 1: one failure takes it out for 5 s). 0 never
   * takes one out: each request tries the first server again and falls over to the backup only
   * when it fails, so a restarted primary gets its clients back at once.
   */
  maxFails?: number
}

/** Renders nginx.conf.template into `out` and returns the path of the config. */
export function renderNginx(options: RenderNginxOptions): string
