/**
 * Runs once when the server process starts, and must finish before the server takes requests.
 * The market starts here rather than on the first request, so ids, prices and the resume buffer
 * move from boot whether or not anyone listens. In cluster mode this also waits until the instance
 * has caught up with the cluster's tick log, and it hooks graceful shutdown into SIGTERM. Before
 * all that, it has every request carry its client's address (see `client-address.ts`).
 */
export async function register() {
  // NEXT_RUNTIME is set by Next itself, not by the user, so it is not part of the validated env.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // First, so that every request carries its client's address (TRUSTED_PROXIES) to the routes.
    const [{ installClientAddressHeader }, { env }] = await Promise.all([
      import('./shared/server/client-address'),
      import('./shared/env'),
    ])
    installClientAddressHeader(env.TRUSTED_PROXIES)
    const { start } = await import('./features/server')
    await start()
  }
}
