/**
 * Runs once when the server process starts. The market starts here rather than on the first
 * request, so ids, prices and the resume buffer move from boot whether or not anyone listens.
 */
export async function register() {
  // NEXT_RUNTIME is set by Next itself, not by the user, so it is not part of the validated env.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { services } = await import('./server/services')
    services()
  }
}
