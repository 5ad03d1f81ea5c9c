import { describe, expect, it } from 'vitest'
import { newJob, planSteps } from '../server/job-model'
import { jobMessageWords, jobReasonKey } from './job-words'

describe('a job’s words in the reader’s language', () => {
  it('knows every message a job’s steps carry, with their numbers', () => {
    let seed = 1
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    const messages = [
      newJob({}, 0).job.message,
      ...planSteps(20_000, random).map((step) => step.message),
    ]
    expect(messages.filter((m) => jobMessageWords(m) === null)).toEqual([])
    expect(jobMessageWords('Uploading chunk 3 of 7')).toEqual({
      key: 'uploading',
      values: { i: 3, n: 7 },
    })
  })

  it('knows the endings and the reasons a job gives, and nothing it was not told', () => {
    for (const ending of ['Published', 'Publishing failed', 'Interrupted', 'Cancelled'])
      expect(jobMessageWords(ending)).not.toBeNull()
    expect(jobReasonKey('The CDN refused the upload (simulated failure).')).toBe('simulated')
    expect(jobReasonKey('Cancelled by the user.')).toBe('byUser')
    expect(jobReasonKey('The server restarted.')).toBeNull()
    expect(jobMessageWords('Something new')).toBeNull()
  })
})
