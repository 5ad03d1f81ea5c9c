import { describe, expect, it } from 'vitest'
import { createPresence } from './presence.ts'

const ada = { id: 'u_ada', name: 'Ada' }
const bob = { id: 'u_bob', name: 'Bob' }

describe('createPresence', () => {
  it('lists a user with two tabs once, and keeps them until the last tab leaves', () => {
    const presence = createPresence()
    expect(presence.join('general', ada, 's1').changed).toBe(true)
    expect(presence.join('general', ada, 's2').changed).toBe(false)
    expect(presence.join('general', bob, 's3').changed).toBe(true)
    expect(presence.members('general')).toEqual([
      { userId: 'u_ada', userName: 'Ada' },
      { userId: 'u_bob', userName: 'Bob' },
    ])
    expect(presence.leave('general', ada.id, 's1').changed).toBe(false)
    expect(presence.count('general')).toBe(2)
    expect(presence.leave('general', ada.id, 's2').changed).toBe(true)
    expect(presence.members('general')).toEqual([{ userId: 'u_bob', userName: 'Bob' }])
  })

  it('removes a crashed socket from every room it was in', () => {
    const presence = createPresence()
    presence.join('general', ada, 's1')
    presence.join('random', ada, 's1')
    presence.join('random', ada, 's2')
    expect(presence.leaveAll('s1')).toEqual([{ roomId: 'general', user: ada }])
    expect(presence.members('general')).toEqual([])
    expect(presence.members('random')).toEqual([{ userId: 'u_ada', userName: 'Ada' }])
    expect(presence.has('random', 's1')).toBe(false)
    expect(presence.has('random', 's2')).toBe(true)
  })

  it('ignores leaving a room one was never in', () => {
    const presence = createPresence()
    presence.join('general', ada, 's1')
    expect(presence.leave('general', ada.id, 's9').changed).toBe(false)
    expect(presence.leave('nowhere', ada.id, 's1').changed).toBe(false)
    expect(presence.count('general')).toBe(1)
  })

  it('does not count a socket twice when it joins the same room again', () => {
    const presence = createPresence()
    presence.join('general', ada, 's1')
    presence.join('general', ada, 's1')
    expect(presence.leave('general', ada.id, 's1').changed).toBe(true)
  })
})
