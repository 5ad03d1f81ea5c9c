/** Where the server writes what happened. `console` fits; tests pass {@link silentLogger}. */
export interface Logger {
  info(message: string, ...details: unknown[]): void
  warn(message: string, ...details: unknown[]): void
  error(message: string, ...details: unknown[]): void
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
}
