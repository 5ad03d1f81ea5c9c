import Link from 'next/link'
import type { Route } from 'next'
import { TransportTag, type Transport } from '@/shared/ui/transport-tag'
import { ComparisonTable } from './_components/comparison-table'
import { SameUpdateOnEachWire } from './_components/same-update'
import { DecisionTree } from './_components/decision-tree'

const DEMOS: { href: Route; title: string; transport: Transport; blurb: string; shows: string }[] =
  [
    // demo:ticker:start
    {
      href: '/ticker',
      title: 'Stock ticker',
      transport: 'sse',
      blurb: 'Twenty simulated stocks, one market per server, live charts.',
      shows:
        'Last-Event-ID resume with no gap, subscriptions over plain HTTP, slow-consumer coalescing.',
    },
    // demo:ticker:end
    // demo:progress:start
    {
      href: '/progress',
      title: 'Job progress',
      transport: 'sse',
      blurb: 'Long-running jobs with a progress bar each.',
      shows: 'Streams that end on purpose (204), reload mid-job, cancel.',
    },
    // demo:progress:end
    // demo:chat:start
    {
      href: '/chat',
      title: 'Chat',
      transport: 'ws',
      blurb: 'Rooms, presence, typing indicators and read receipts over Socket.IO.',
      shows: 'Acknowledged sends, rate limits, state recovery after a drop.',
    },
    // demo:chat:end
    // demo:editor:start
    {
      href: '/editor',
      title: 'Collaborative editor',
      transport: 'ws',
      blurb: 'Several people in one document with Yjs and CodeMirror.',
      shows: 'CRDT sync, remote cursors, offline edits that merge on reconnect.',
    },
    // demo:editor:end
  ]

export default function HomePage() {
  return (
    <div className="space-y-14">
      <section className="grid items-center gap-8 pt-4 lg:grid-cols-[1fr_28rem]">
        <div>
          <p className="mb-3 flex items-center gap-2 text-sm font-medium text-slate-500 dark:text-slate-400">
            <TransportTag transport="sse" /> vs <TransportTag transport="ws" />
          </p>
          <h1 className="max-w-3xl text-3xl font-bold tracking-tight text-balance sm:text-5xl">
            Server-Sent Events or WebSockets? See both, for real, side by side.
          </h1>
          <p className="mt-4 max-w-2xl text-lg text-slate-600 dark:text-slate-300">
            Four working demos share one typed protocol. The wire panel on each page shows the exact
            bytes each transport sends, so you can pick by what you see rather than by folklore.
          </p>
        </div>
        <SameUpdateOnEachWire />
      </section>

      <section aria-labelledby="demos-title">
        <h2 id="demos-title" className="sr-only">
          Demos
        </h2>
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {DEMOS.map((demo) => (
            <li key={demo.href}>
              <Link
                href={demo.href}
                className="group flex h-full flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm transition hover:-translate-y-0.5 hover:shadow-md dark:border-slate-800 dark:bg-slate-900"
              >
                <span className="self-start">
                  <TransportTag transport={demo.transport} />
                </span>
                <h3 className="mt-3 text-lg font-semibold group-hover:underline">{demo.title}</h3>
                <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{demo.blurb}</p>
                <p className="mt-auto pt-4 text-xs text-slate-500 dark:text-slate-400">
                  <span className="font-semibold">Shows: </span>
                  {demo.shows}
                </p>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="decide-title" className="grid gap-6 lg:grid-cols-[1fr_1fr]">
        <div>
          <h2 id="decide-title" className="text-2xl font-bold tracking-tight">
            Which one do I need?
          </h2>
          <p className="mt-2 text-slate-600 dark:text-slate-300">
            The guide&apos;s decision tree, one question at a time. Each answer ends at the demo
            that shows it working.
          </p>
        </div>
        <DecisionTree />
      </section>

      <section aria-labelledby="compare-title">
        <h2 id="compare-title" className="text-2xl font-bold tracking-tight">
          SSE and WebSocket compared
        </h2>
        <p className="mt-2 max-w-3xl text-slate-600 dark:text-slate-300">
          From the guide&apos;s tables, with the rows it gets too short corrected: where a claim
          needs a qualifier, the note says so.
        </p>
        <ComparisonTable />
      </section>
    </div>
  )
}
