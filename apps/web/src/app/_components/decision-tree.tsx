'use client'

import Link from 'next/link'
import type { Route } from 'next'
import { useTranslations, type MessageKeys, type Messages, type NestedKeyOf } from 'next-intl'
import { useState } from 'react'
import { TransportTag, type Transport } from '@/shared/ui/transport-tag'

type QuestionId = keyof Messages['tree']['questions']
type AnswerId = keyof Messages['tree']['answers']
type MessageKey = MessageKeys<Messages, NestedKeyOf<Messages>>

interface Question {
  kind: 'question'
  yes: QuestionId | AnswerId
  no: QuestionId | AnswerId
}
interface Answer {
  kind: 'answer'
  transport: Transport
  /** The demo that shows it working; each is on its own line, so removing a demo drops only its link. */
  demo?: { href: Route; label: MessageKey }
}

/**
 * The guide's tree (section 4.3), split into the questions it asks implicitly. The words are in
 * messages: `tree.questions.<id>` and `tree.answers.<id>`.
 */
const NODES: Record<QuestionId, Question> & Record<AnswerId, Answer> = {
  start: { kind: 'question', yes: 'shared', no: 'binary' },
  shared: { kind: 'question', yes: 'crdt', no: 'rooms' },
  crdt: {
    kind: 'answer',
    transport: 'ws',
    demo: { href: '/editor', label: 'editor.treeLink' }, // demo:editor
  },
  rooms: {
    kind: 'answer',
    transport: 'ws',
    demo: { href: '/chat', label: 'chat.treeLink' }, // demo:chat
  },
  binary: { kind: 'question', yes: 'binaryAnswer', no: 'shape' },
  binaryAnswer: {
    kind: 'answer',
    transport: 'ws',
    demo: { href: '/editor', label: 'editor.treeBinaryLink' }, // demo:editor
  },
  shape: { kind: 'question', yes: 'ticker', no: 'progress' },
  ticker: {
    kind: 'answer',
    transport: 'sse',
    demo: { href: '/ticker', label: 'ticker.treeLink' }, // demo:ticker
  },
  progress: {
    kind: 'answer',
    transport: 'sse',
    demo: { href: '/progress', label: 'progress.treeLink' }, // demo:progress
  },
}

const isQuestion = (id: QuestionId | AnswerId): id is QuestionId => NODES[id].kind === 'question'

type NodeId = QuestionId | AnswerId

export function DecisionTree() {
  const t = useTranslations()
  const [path, setPath] = useState<{ id: NodeId; answer?: 'yes' | 'no' }[]>([{ id: 'start' }])
  const currentId = path.at(-1)?.id ?? 'start'

  const choose = (answer: 'yes' | 'no') => {
    if (!isQuestion(currentId)) return
    const next = NODES[currentId][answer]
    setPath((p) => [...p.slice(0, -1), { id: currentId, answer }, { id: next }])
  }

  return (
    <div
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      data-testid="decision-tree"
    >
      {path.length > 1 && (
        <ol
          className="mb-4 space-y-1 text-sm text-slate-500 dark:text-slate-400"
          aria-label={t('tree.yourAnswers')}
        >
          {path.slice(0, -1).map((step) => {
            const id = step.id
            return isQuestion(id) ? (
              <li key={id}>
                {t(`tree.questions.${id}.text`)}{' '}
                <span className="font-semibold text-slate-700 dark:text-slate-200">
                  {step.answer === 'yes' ? t('tree.yes') : t('tree.no')}
                </span>
              </li>
            ) : null
          })}
        </ol>
      )}
      {isQuestion(currentId) ? (
        <div aria-live="polite">
          <p className="text-lg font-semibold">{t(`tree.questions.${currentId}.text`)}</p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
            {t(`tree.questions.${currentId}.hint`)}
          </p>
          <div className="mt-4 flex gap-2">
            <button
              type="button"
              onClick={() => choose('yes')}
              className="rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 dark:bg-white dark:text-slate-900 dark:hover:bg-slate-200"
            >
              {t('tree.yes')}
            </button>
            <button
              type="button"
              onClick={() => choose('no')}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              {t('tree.no')}
            </button>
          </div>
        </div>
      ) : (
        <Recommendation id={currentId} onStartOver={() => setPath([{ id: 'start' }])} />
      )}
    </div>
  )
}

function Recommendation({ id, onStartOver }: { id: AnswerId; onStartOver: () => void }) {
  const t = useTranslations()
  const node = NODES[id]
  return (
    <div aria-live="polite" data-testid="recommendation">
      <TransportTag transport={node.transport} />
      <p className="mt-2 text-lg font-semibold">{t(`tree.answers.${id}.title`)}</p>
      <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        {t(`tree.answers.${id}.why`)}
      </p>
      <div className="mt-4 flex flex-wrap gap-2">
        {node.demo && (
          <Link
            href={node.demo.href}
            className="rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 dark:bg-white dark:text-slate-900"
          >
            {t(node.demo.label)} →
          </Link>
        )}
        {/* demo:compare:start */}
        <Link
          href="/compare"
          className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          {t('compare.treeLink')}
        </Link>
        {/* demo:compare:end */}
        <button
          type="button"
          onClick={onStartOver}
          className="rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          {t('tree.startOver')}
        </button>
      </div>
    </div>
  )
}
