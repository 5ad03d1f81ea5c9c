/**
 * Runs once when the server process starts. The market starts here rather than on the first
 * request, so ids, prices and the resume buffer move from boot whether or not anyone listens.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { services } = await import('./server/services')
    services()
  }
}
