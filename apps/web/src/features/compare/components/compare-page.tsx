import type { Metadata } from 'next'
import { RealtimeBoundary } from '@/shared/ui/session/realtime-boundary'
import { TransportTag } from '@/shared/ui/transport-tag'
import { latestBenchRun } from '@/features/compare/server/bench-results'
import { CommittedResults } from './committed-results'
import { CommittedSummary } from './committed-summary'
import { LiveCompare } from './live-compare'

export const compareMetadata: Metadata = { title: 'Compare SSE, Socket.IO and Yjs' }

export function ComparePage() {
  const latest = latestBenchRun()
  return (
    <>
      <div className="mb-6">
        <div className="mb-2 flex items-center gap-2">
          <TransportTag transport="sse" />
          <TransportTag transport="ws" />
        </div>
        <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">Compare the numbers</h1>
        <p className="mt-2 max-w-3xl text-slate-600 dark:text-slate-300">
          The guide&apos;s performance test, for real: run the same messages over SSE, Socket.IO and
          the Yjs socket from this browser, then see what <code>pnpm bench</code> measured on this
          project's two-core machine with thousands of clients and raw baselines next to each stack.
        </p>
      </div>
      <div className="grid gap-10">
        {latest.ok && <CommittedSummary run={latest.run} />}
        <RealtimeBoundary>
          <LiveCompare />
        </RealtimeBoundary>
        {latest.ok ? (
          <CommittedResults run={latest.run} file={latest.file} />
        ) : (
          <p className="rounded-lg border border-slate-200 p-4 text-sm dark:border-slate-800">
            {latest.reason}
          </p>
        )}
      </div>
    </>
  )
}
