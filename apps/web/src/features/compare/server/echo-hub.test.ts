import { describe, expect, it } from 'vitest'
import { createHeartbeat } from '@/shared/server/sse/heartbeat'
import { createEchoHub } from './echo-hub.ts'

function setup() {
  const hub = createEchoHub({ heartbeat: createHeartbeat(60_000), maxPerUser: 2, maxTotal: 3 })
  const aborts: AbortController[] = []
  const open = (owner: string) => {
    const abort = new AbortController()
    aborts.push(abort)
    return { opened: hub.open(abort.signal, owner), abort }
  }
  return { hub, open, closeAll: () => aborts.forEach((a) => a.abort()) }
}

describe('createEchoHub: each user has a share of the comparison streams', () => {
  it('refuses a user past their share while others still get streams', () => {
    const { hub, open, closeAll } = setup()
    expect(open('mallory').opened).toBeInstanceOf(Response)
    expect(open('mallory').opened).toBeInstanceOf(Response)
    expect(open('mallory').opened).toBe('user')
    expect(open('ada').opened).toBeInstanceOf(Response)
    expect(open('bob').opened).toBe('total')
    expect(hub.size).toBe(3)
    closeAll()
  })

  it('gives the share back when a stream closes', () => {
    const { hub, open, closeAll } = setup()
    const first = open('ada')
    open('ada')
    first.abort.abort()
    expect(hub.size).toBe(1)
    expect(open('ada').opened).toBeInstanceOf(Response)
    closeAll()
  })

  it("does not echo into another user's stream", async () => {
    const { hub, open, closeAll } = setup()
    const { opened } = open('ada')
    if (!(opened instanceof Response) || !opened.body) throw new Error('expected a stream')
    const reader = opened.body.getReader()
    const hello = new TextDecoder().decode((await reader.read()).value)
    const connectionId = /"connectionId":"([^"]+)"/.exec(hello)?.[1] ?? ''
    expect(hub.echo({ connectionId, seq: 1, t: 0 }, 'mallory')).toBe(false)
    expect(hub.echo({ connectionId, seq: 1, t: 0 }, 'ada')).toBe(true)
    closeAll()
  })

  it('counts nothing for a request aborted before its stream was registered', async () => {
    const heartbeat = createHeartbeat(60_000)
    const hub = createEchoHub({ heartbeat, maxPerUser: 2, maxTotal: 3 })
    // More aborted opens than the user's share and the total: none may keep a slot.
    for (let i = 0; i < 5; i++) {
      const gone = new AbortController()
      gone.abort()
      expect(hub.open(gone.signal, 'ada')).toBeInstanceOf(Response)
      await Promise.resolve()
    }
    expect(hub.size).toBe(0)
    expect(heartbeat.size).toBe(0)
    const live = new AbortController()
    expect(hub.open(live.signal, 'ada')).toBeInstanceOf(Response)
    expect(hub.open(live.signal, 'ada')).toBeInstanceOf(Response)
    expect(hub.size).toBe(2)
    live.abort()
    expect(hub.size).toBe(0)
  })
})
