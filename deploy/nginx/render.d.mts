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
}

/** Renders nginx.conf.template into `out` and returns the path of the config. */
export function renderNginx(options: RenderNginxOptions): string
