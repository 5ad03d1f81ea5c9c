'use client'

import Link from 'next/link'
import type { Route } from 'next'
import { useState } from 'react'
import { TransportTag, type Transport } from '@/shared/ui/transport-tag'

interface Question {
  kind: 'question'
  text: string
  hint: string
  yes: string
  no: string
}
interface Answer {
  kind: 'answer'
  transport: Transport
  title: string
  why: string
  /** The demo that shows it working; each is on its own line, so removing a demo drops only its link. */
  demo?: { href: Route; label: string }
}

/** The guide's tree (section 4.3), split into the questions it asks implicitly. */
const NODES: Record<string, Question | Answer> = {
  start: {
    kind: 'question',
    text: 'Does the browser send messages often, or need fast round trips?',
    hint: 'Chat messages, game input, cursor positions — not the occasional "subscribe to X".',
    yes: 'shared',
    no: 'binary',
  },
  shared: {
    kind: 'question',
    text: 'Do several people edit the same state at the same time?',
    hint: 'A document, a whiteboard, a form two people fill in together.',
    yes: 'crdt',
    no: 'rooms',
  },
  crdt: {
    kind: 'answer',
    transport: 'ws',
    title: 'WebSocket with a CRDT (Yjs)',
    why: 'Edits flow both ways with low latency, and a CRDT merges concurrent and offline edits without a central lock.',
    demo: { href: '/editor', label: 'Open the collaborative editor' }, // demo:editor
  },
  rooms: {
    kind: 'answer',
    transport: 'ws',
    title: 'WebSocket (Socket.IO)',
    why: 'Frequent messages in both directions, acknowledgements and rooms. Socket.IO adds reconnection and state recovery that raw WebSockets lack.',
    demo: { href: '/chat', label: 'Open the chat' }, // demo:chat
  },
  binary: {
    kind: 'question',
    text: 'Must the server push binary data, like audio or game state?',
    hint: 'SSE carries text only; binary would need base64 and grows by a third.',
    yes: 'binaryAnswer',
    no: 'shape',
  },
  binaryAnswer: {
    kind: 'answer',
    transport: 'ws',
    title: 'WebSocket',
    why: 'Binary frames go as they are. Everything else about your case says SSE would do.',
    demo: { href: '/editor', label: 'See binary Yjs frames in the editor' }, // demo:editor
  },
  shape: {
    kind: 'question',
    text: 'Is it a continuous stream of changing values?',
    hint: 'Prices, metrics, a feed. Answer "no" for the progress of one long task.',
    yes: 'ticker',
    no: 'progress',
  },
  ticker: {
    kind: 'answer',
    transport: 'sse',
    title: 'Server-Sent Events',
    why: 'One-way, text, resumable with Last-Event-ID, and plain HTTP. Change subscriptions with ordinary requests.',
    demo: { href: '/ticker', label: 'Open the stock ticker' }, // demo:ticker
  },
  progress: {
    kind: 'answer',
    transport: 'sse',
    title: 'Server-Sent Events',
    why: 'A stream per task that ends on purpose. No socket to manage, and it passes every proxy.',
    demo: { href: '/progress', label: 'Open job progress' }, // demo:progress
  },
}

export function DecisionTree() {
  const [path, setPath] = useState<{ id: string; answer?: 'yes' | 'no' }[]>([{ id: 'start' }])
  const current = path.at(-1)
  const node = NODES[current?.id ?? 'start']

  const choose = (answer: 'yes' | 'no') => {
    if (!node || node.kind !== 'question') return
    setPath((p) => [
      ...p.slice(0, -1),
      { id: p.at(-1)?.id ?? 'start', answer },
      { id: node[answer] },
    ])
  }

  return (
    <div
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="decision-tree"
    >
      {path.length > 1 && (
        <ol
          className="mb-4 space-y-1 text-sm text-slate-500 dark:text-slate-400"
          aria-label="Your answers"
        >
          {path.slice(0, -1).map((step) => {
            const q = NODES[step.id]
            return q?.kind === 'question' ? (
              <li key={step.id}>
                {q.text}{' '}
                <span className="font-semibold text-slate-700 dark:text-slate-200">
                  {step.answer === 'yes' ? 'Yes' : 'No'}
                </span>
              </li>
            ) : null
          })}
        </ol>
      )}
      {node?.kind === 'question' && (
        <div aria-live="polite">
          <p className="text-lg font-semibold">{node.text}</p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{node.hint}</p>
          <div className="mt-4 flex gap-2">
            <button
              type="button"
              onClick={() => choose('yes')}
              className="rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 dark:bg-white dark:text-slate-900 dark:hover:bg-slate-200"
            >
              Yes
            </button>
            <button
              type="button"
              onClick={() => choose('no')}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              No
            </button>
          </div>
        </div>
      )}
      {node?.kind === 'answer' && (
        <div aria-live="polite" data-testid="recommendation">
          <TransportTag transport={node.transport} />
          <p className="mt-2 text-lg font-semibold">{node.title}</p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{node.why}</p>
          <div className="mt-4 flex flex-wrap gap-2">
            {node.demo && (
              <Link
                href={node.demo.href}
                className="rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 dark:bg-white dark:text-slate-900"
              >
                {node.demo.label} →
              </Link>
            )}
            {/* demo:compare:start */}
            <Link
              href="/compare"
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Compare the numbers
            </Link>
            {/* demo:compare:end */}
            <button
              type="button"
              onClick={() => setPath([{ id: 'start' }])}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Start over
            </button>
          </div>
        </div>
      )}
    </div>
  )
}
