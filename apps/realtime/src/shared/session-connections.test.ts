import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSessionConnections, type SessionEnd, type SignOuts } from './session-connections.ts'

/** Sign-outs as a store reports them, driven by the test. */
function fakeSignOuts() {
  const listeners = new Set<(tokenId: string) => void>()
  const known = new Set<string>()
  const signOuts: SignOuts = {
    onSignedOut(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    isSignedOut: (tokenId) => known.has(tokenId),
  }
  return {
    signOuts,
    signOut(tokenId: string) {
      known.add(tokenId)
      for (const listener of listeners) listener(tokenId)
    },
    listeners: () => listeners.size,
  }
}

const conn = (name: string) => ({ name })
type Conn = ReturnType<typeof conn>

afterEach(() => {
  vi.useRealTimers()
})

describe('createSessionConnections', () => {
  it('ends every connection of a signed-out session once, and no other', () => {
    const { signOuts, signOut } = fakeSignOuts()
    const ended: [string, SessionEnd][] = []
    const sessions = createSessionConnections<Conn>(signOuts, (c, why) => ended.push([c.name, why]))
    const expiresAt = Date.now() + 60_000
    const [tab1, tab2, short, bob] = ['tab1', 'tab2', 'short', 'bob'].map(conn) as Conn[]
    sessions.add(tab1 as Conn, { tokenId: 'ada', expiresAt })
    sessions.add(tab2 as Conn, { tokenId: 'ada', expiresAt })
    // A short-lived realtime token of the same session: same jti, its own expiry.
    sessions.add(short as Conn, { tokenId: 'ada', expiresAt: Date.now() + 5000 })
    sessions.add(bob as Conn, { tokenId: 'bob', expiresAt })
    signOut('ada')
    expect(ended).toEqual([
      ['tab1', 'signed_out'],
      ['tab2', 'signed_out'],
      ['short', 'signed_out'],
    ])
    expect(sessions.size()).toBe(1)
    signOut('ada')
    expect(ended).toHaveLength(3)
  })

  it('ends connections at their expiry, with one timer per session and instant', () => {
    vi.useFakeTimers()
    const { signOuts } = fakeSignOuts()
    const ended: [string, SessionEnd][] = []
    const sessions = createSessionConnections<Conn>(signOuts, (c, why) => ended.push([c.name, why]))
    const expiresAt = Date.now() + 10_000
    sessions.add(conn('a'), { tokenId: 'ada', expiresAt })
    sessions.add(conn('b'), { tokenId: 'ada', expiresAt })
    const left = conn('left')
    sessions.add(left, { tokenId: 'bob', expiresAt })
    expect(vi.getTimerCount()).toBe(2)
    sessions.remove(left)
    // Its session has no connection left: its timer is gone too.
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(9_999)
    expect(ended).toEqual([])
    vi.advanceTimersByTime(1)
    expect(ended).toEqual([
      ['a', 'session_expired'],
      ['b', 'session_expired'],
    ])
    expect(sessions.size()).toBe(0)
  })

  it('ends a connection let in just before its sign-out was heard of, once it is set up', async () => {
    const { signOuts, signOut } = fakeSignOuts()
    const ended: string[] = []
    const sessions = createSessionConnections<Conn>(signOuts, (c) => ended.push(c.name))
    signOut('ada')
    sessions.add(conn('late'), { tokenId: 'ada', expiresAt: Date.now() + 60_000 })
    expect(ended).toEqual([])
    await Promise.resolve()
    expect(ended).toEqual(['late'])
    expect(sessions.size()).toBe(0)
  })

  it('leaves no timer and no listener behind when closed', () => {
    vi.useFakeTimers()
    const fake = fakeSignOuts()
    const sessions = createSessionConnections<Conn>(fake.signOuts, () => {})
    sessions.add(conn('a'), { tokenId: 'ada', expiresAt: Date.now() + 60_000 })
    sessions.close()
    expect(vi.getTimerCount()).toBe(0)
    expect(fake.listeners()).toBe(0)
  })
})
