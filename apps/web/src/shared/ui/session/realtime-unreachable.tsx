/**
 * Shown when the realtime server has not answered several attempts in a row, so a page does not
 * sit at "Reconnecting" with no explanation. Under `pnpm start` the web app keeps serving pages
 * when the realtime process has died; this says which half is missing.
 */
export function RealtimeUnreachable({ url }: { url: string | undefined }) {
  return (
    <div
      role="alert"
      data-testid="realtime-unreachable"
      className="rounded-lg border border-orange-300 bg-orange-50 px-4 py-3 text-sm text-orange-950 dark:border-orange-800 dark:bg-orange-950 dark:text-orange-100"
    >
      <p className="font-semibold">The realtime server is unreachable.</p>
      <p className="mt-1">
        This page is served by the web app, but chat and the editor talk to a separate realtime
        server
        {url ? (
          <>
            {' '}
            at <code className="font-mono">{url}</code>
          </>
        ) : null}
        , and it is not answering. The page keeps trying and picks up where it left off once the
        server is back. Running <code className="font-mono">pnpm start</code>? Check its output: the
        realtime process may have stopped.
      </p>
    </div>
  )
}
