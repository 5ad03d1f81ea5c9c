import { JOB_TERMINAL_EVENTS, JobEvents } from '@duplex/protocol/jobs'
import { describe, expect, it } from 'vitest'
import { useEventStream, type UseEventStreamOptions } from './use-event-stream.ts'

// No DOM here (and no jsdom on purpose): the hook is a thin shell over createEventStream,
// whose behaviour the integration tests cover. These pin the types it promises.
describe('useEventStream', () => {
  it('types each handler by the schema of its event', () => {
    const options: UseEventStreamOptions<typeof JobEvents> = {
      url: '/api/jobs/job-1/events',
      events: JobEvents,
      terminalEvents: JOB_TERMINAL_EVENTS,
      handlers: {
        progress: (progress, meta) => {
          const percent: number = progress.percent
          const event: 'progress' = meta.event
          void [percent, event]
        },
        // @ts-expect-error `done` carries `{ job }`, not progress
        done: (ended) => void ended.percent,
      },
    }
    const unknownEvent: UseEventStreamOptions<typeof JobEvents> = {
      url: '/api/jobs/job-1/events',
      events: JobEvents,
      // @ts-expect-error `tick` is not an event of JobEvents
      handlers: { tick: () => {} },
    }
    expect([options.handlers.progress, unknownEvent, useEventStream]).toHaveLength(3)
  })
})
