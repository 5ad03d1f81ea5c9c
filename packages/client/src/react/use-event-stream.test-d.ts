import { describe, expectTypeOf, it } from 'vitest'
import { TASK_TERMINAL_EVENTS, TaskEvents, type TaskProgress } from '../testing/task-events.ts'
import {
  useEventStream,
  type UseEventStreamOptions,
  type UseEventStreamResult,
} from './use-event-stream.ts'

// No DOM here (and no jsdom on purpose): the hook is a thin shell over createEventStream, whose
// behaviour the integration tests cover. These pin the types it promises; Vitest's typecheck
// mode runs them, so a broken expectation fails `pnpm test`.
type TaskOptions = UseEventStreamOptions<typeof TaskEvents>

describe('useEventStream', () => {
  it('types each handler by the schema of its event', () => {
    const options: TaskOptions = {
      url: '/api/tasks/task-1/events',
      events: TaskEvents,
      terminalEvents: TASK_TERMINAL_EVENTS,
      handlers: {
        progress: (progress, meta) => {
          expectTypeOf(progress).toEqualTypeOf<TaskProgress>()
          expectTypeOf(meta.event).toEqualTypeOf<'progress'>()
        },
        // @ts-expect-error `done` carries `{ task }`, not progress
        done: (ended) => void ended.percent,
      },
    }
    expectTypeOf(useEventStream(options)).toEqualTypeOf<UseEventStreamResult>()
  })

  it('refuses a handler or a terminal event the map does not have', () => {
    expectTypeOf<TaskOptions['handlers']>().not.toHaveProperty('tick')
    const unknownEvent: TaskOptions = {
      url: '/api/tasks/task-1/events',
      events: TaskEvents,
      // @ts-expect-error `tick` is not an event of TaskEvents
      handlers: { tick: () => {} },
    }
    const unknownTerminal: TaskOptions = {
      url: '/api/tasks/task-1/events',
      events: TaskEvents,
      // @ts-expect-error `ended` is not an event of TaskEvents
      terminalEvents: ['ended'],
      handlers: {},
    }
    void [unknownEvent, unknownTerminal]
  })
})
