import { JOB_TERMINAL_EVENTS, JobEvents, type JobProgress } from '@duplex/protocol/jobs'
import { describe, expectTypeOf, it } from 'vitest'
import {
  useEventStream,
  type UseEventStreamOptions,
  type UseEventStreamResult,
} from './use-event-stream.ts'

// No DOM here (and no jsdom on purpose): the hook is a thin shell over createEventStream, whose
// behaviour the integration tests cover. These pin the types it promises; Vitest's typecheck
// mode runs them, so a broken expectation fails `pnpm test`.
type JobOptions = UseEventStreamOptions<typeof JobEvents>

describe('useEventStream', () => {
  it('types each handler by the schema of its event', () => {
    const options: JobOptions = {
      url: '/api/jobs/job-1/events',
      events: JobEvents,
      terminalEvents: JOB_TERMINAL_EVENTS,
      handlers: {
        progress: (progress, meta) => {
          expectTypeOf(progress).toEqualTypeOf<JobProgress>()
          expectTypeOf(meta.event).toEqualTypeOf<'progress'>()
        },
        // @ts-expect-error `done` carries `{ job }`, not progress
        done: (ended) => void ended.percent,
      },
    }
    expectTypeOf(useEventStream(options)).toEqualTypeOf<UseEventStreamResult>()
  })

  it('refuses a handler or a terminal event the map does not have', () => {
    expectTypeOf<JobOptions['handlers']>().not.toHaveProperty('tick')
    const unknownEvent: JobOptions = {
      url: '/api/jobs/job-1/events',
      events: JobEvents,
      // @ts-expect-error `tick` is not an event of JobEvents
      handlers: { tick: () => {} },
    }
    const unknownTerminal: JobOptions = {
      url: '/api/jobs/job-1/events',
      events: JobEvents,
      // @ts-expect-error `ended` is not an event of JobEvents
      terminalEvents: ['ended'],
      handlers: {},
    }
    void [unknownEvent, unknownTerminal]
  })
})
