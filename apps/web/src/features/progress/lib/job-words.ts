/**
 * A job's server-written English (its `message` and `reason`, see server/job-model.ts and
 * server/job-service.ts) as keys of `progress.job.messages` / `progress.job.reasons` and their
 * numbers, so the page says them in the reader's language. A text not known here (a reason from a
 * newer server, an outage's own words) comes back as `null`, and the page shows it as it is.
 */
type MessageKey =
  | 'waiting'
  | 'uploading'
  | 'transcoding'
  | 'thumbnails'
  | 'publishing'
  | 'published'
  | 'publishFailed'
  | 'interrupted'
  | 'cancelled'

export interface JobWords {
  key: MessageKey
  values: Record<string, number>
}

const MESSAGES: [RegExp, MessageKey][] = [
  [/^Waiting for a free worker$/, 'waiting'],
  [/^Uploading chunk (\d+) of (\d+)$/, 'uploading'],
  [/^Transcoding segment (\d+) of (\d+)$/, 'transcoding'],
  [/^Rendering thumbnail (\d+) of (\d+)$/, 'thumbnails'],
  [/^Publishing to CDN edge (\d+) of (\d+)$/, 'publishing'],
  [/^Published$/, 'published'],
  [/^Publishing failed$/, 'publishFailed'],
  [/^Interrupted$/, 'interrupted'],
  [/^Cancelled$/, 'cancelled'],
]

const REASONS: Record<string, 'simulated' | 'byUser'> = {
  'The CDN refused the upload (simulated failure).': 'simulated',
  'Cancelled by the user.': 'byUser',
}

export function jobMessageWords(message: string): JobWords | null {
  for (const [pattern, key] of MESSAGES) {
    const match = pattern.exec(message)
    if (match) {
      return match[1] && match[2]
        ? { key, values: { i: Number(match[1]), n: Number(match[2]) } }
        : { key, values: {} }
    }
  }
  return null
}

export function jobReasonKey(reason: string): 'simulated' | 'byUser' | null {
  return REASONS[reason] ?? null
}
