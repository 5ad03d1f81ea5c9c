import { isStoreUnavailable } from '@duplex/cluster'
import type { Member, RoomId } from '@duplex/protocol/chat'
import type { SessionUser } from '@duplex/protocol/session'
import type { Redis } from 'ioredis'
import { instancesKey } from '../../shared/cluster/instances.ts'
import { createLocalPresence, type Departure, type Presence } from './presence.ts'

export interface RedisPresenceOptions {
  redis: Redis
  /** `REDIS_KEY_PREFIX`. */
  keyPrefix: string
  /** This instance; every entry it writes names it, so a dead instance's entries can be found. */
  instanceId: string
}

export interface RedisPresence extends Presence {
  /**
   * Removes what a dead instance left in presence (once: the first survivor to try claims it) and
   * tells this instance's listeners who left. Resolves with those departures.
   */
  sweep(deadInstanceId: string): Promise<Departure[]>
  /**
   * Makes what Redis holds for this instance match its sockets again, after a survivor took it
   * for dead, or Redis was away (restarted empty, or changes made meanwhile never reached it):
   * removes the entries of sockets that left, writes every socket again, and tells this
   * instance's listeners who joined and who left as a result.
   */
  resync(): Promise<void>
}

// Keys, under the prefix:
//   presence:room:<room>:sockets   hash  socketId → {"u":userId,"n":name,"s":arrival,"i":instance}
//   presence:room:<room>:users     hash  userId → number of sockets in the room
//   presence:room:<room>:seq       counter for the arrival order of sockets
//   presence:instance:<id>         set   "<room> <socketId>" of every entry that instance wrote
// Room ids are slugs and socket ids have no spaces, so "<room> <socketId>" splits unambiguously.

const JOIN = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
local seq
if existing then
  seq = cjson.decode(existing).s
else
  seq = redis.call('INCR', KEYS[3])
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({u = ARGV[2], n = ARGV[3], s = seq, i = ARGV[4]}))
redis.call('SADD', KEYS[4], ARGV[5] .. ' ' .. ARGV[1])
if existing then return 0 end
if redis.call('HINCRBY', KEYS[2], ARGV[2], 1) == 1 then return 1 end
return 0`

// Only the instance that holds the entry removes it: a socket recovered on another instance has
// been taken over, and a late leave from the old one must not drop it. Answers the user (id and
// name) when that was their last socket in the room, nothing otherwise.
const LEAVE = `
redis.call('SREM', KEYS[3], ARGV[3] .. ' ' .. ARGV[1])
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if not existing then return {} end
local entry = cjson.decode(existing)
if entry.i ~= ARGV[2] then return {} end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HINCRBY', KEYS[2], entry.u, -1) <= 0 then
  redis.call('HDEL', KEYS[2], entry.u)
  return {entry.u, entry.n}
end
return {}`

// Claiming by ZREM makes the sweep happen once however many survivors try it at the same time.
const SWEEP = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return {} end
local left = {}
for _, item in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local space = string.find(item, ' ', 1, true)
  local room = string.sub(item, 1, space - 1)
  local socketId = string.sub(item, space + 1)
  local sockets = ARGV[2] .. 'presence:room:' .. room .. ':sockets'
  local existing = redis.call('HGET', sockets, socketId)
  if existing then
    local entry = cjson.decode(existing)
    if entry.i == ARGV[1] then
      redis.call('HDEL', sockets, socketId)
      local users = ARGV[2] .. 'presence:room:' .. room .. ':users'
      if redis.call('HINCRBY', users, entry.u, -1) <= 0 then
        redis.call('HDEL', users, entry.u)
        table.insert(left, room)
        table.insert(left, entry.u)
        table.insert(left, entry.n)
      end
    end
  end
end
redis.call('DEL', KEYS[2])
return left`

interface StoredEntry {
  u: string
  n: string
  s: number
  i: string
}

/**
 * Presence shared by every instance through Redis, with the same semantics as
 * {@link createPresence}: users, not sockets, in the order they arrived. Each change is one Lua
 * script, so two instances changing one room at once cannot miscount.
 *
 * An instance killed with SIGKILL cannot say goodbye: its entries stay until a survivor sees its
 * heartbeat expire and calls {@link RedisPresence.sweep} (see `createInstanceRegistry`).
 *
 * While Redis is away, presence does not wait for it: joins and leaves change this instance's
 * own view at once and answer from it (a member list then shows who is here, on this instance),
 * and {@link RedisPresence.resync} writes the truth back once Redis is there again.
 *
 * @example
 * const presence = createRedisPresence({ redis, keyPrefix: 'duplex:', instanceId })
 * instances.onTick(async ({ dead }) => { for (const id of dead) await presence.sweep(id) })
 */
export function createRedisPresence(options: RedisPresenceOptions): RedisPresence {
  const { redis, keyPrefix, instanceId } = options
  // This instance's own sockets: answers `has` without a round trip, and is what gets republished.
  const local = createLocalPresence()
  const listeners: ((change: { joined: Departure[]; left: Departure[] }) => void)[] = []
  const roomKey = (roomId: RoomId, part: 'sockets' | 'users' | 'seq') =>
    `${keyPrefix}presence:room:${roomId}:${part}`
  const instanceKey = (id: string) => `${keyPrefix}presence:instance:${id}`

  // Commands from one ioredis client reach Redis in the order they are sent, so a leave issued
  // after a join (even before the join's reply) is applied after it.
  async function joinShared(roomId: RoomId, user: SessionUser, socketId: string) {
    const changed = (await redis.eval(
      JOIN,
      4,
      roomKey(roomId, 'sockets'),
      roomKey(roomId, 'users'),
      roomKey(roomId, 'seq'),
      instanceKey(instanceId),
      socketId,
      user.id,
      user.name,
      instanceId,
      roomId,
    )) as number
    return { changed: changed === 1 }
  }

  /** The user whose last socket in the room this was, or undefined. */
  async function leaveShared(roomId: RoomId, socketId: string): Promise<SessionUser | undefined> {
    const left = (await redis.eval(
      LEAVE,
      3,
      roomKey(roomId, 'sockets'),
      roomKey(roomId, 'users'),
      instanceKey(instanceId),
      socketId,
      instanceId,
      roomId,
    )) as [] | [string, string]
    return left.length === 2 ? { id: left[0], name: left[1] } : undefined
  }

  /**
   * Redis' answer, or, while Redis is away, this instance's own (`resync` fixes Redis later).
   * Not ready: not even queued, so nothing waits for a reconnect. A command that fails because
   * Redis went away meanwhile is answered the same way; any other error is a bug, and thrown.
   */
  async function sharedOr<T>(shared: () => Promise<T>, fallback: () => T): Promise<T> {
    if (redis.status !== 'ready') return fallback()
    try {
      return await shared()
    } catch (error) {
      if (isStoreUnavailable(error)) return fallback()
      throw error
    }
  }

  async function sharedMembers(roomId: RoomId): Promise<Member[]> {
    const all = await redis.hgetall(roomKey(roomId, 'sockets'))
    const byUser = new Map<string, { first: number; latest: number; name: string }>()
    for (const raw of Object.values(all)) {
      const entry = JSON.parse(raw) as StoredEntry
      const seen = byUser.get(entry.u)
      if (!seen) byUser.set(entry.u, { first: entry.s, latest: entry.s, name: entry.n })
      else {
        seen.first = Math.min(seen.first, entry.s)
        // The newest tab's name wins, so a renamed user shows the new name.
        if (entry.s > seen.latest) Object.assign(seen, { latest: entry.s, name: entry.n })
      }
    }
    return [...byUser]
      .sort(([, a], [, b]) => a.first - b.first)
      .map(([userId, { name }]): Member => ({ userId, userName: name }))
  }

  function notify(change: { joined: Departure[]; left: Departure[] }): void {
    if (change.joined.length === 0 && change.left.length === 0) return
    for (const listener of listeners) listener(change)
  }

  return {
    join(roomId, user, socketId) {
      const change = local.join(roomId, user, socketId)
      return sharedOr(
        () => joinShared(roomId, user, socketId),
        () => change,
      )
    },

    leave(roomId, userId, socketId) {
      const change = local.leave(roomId, userId, socketId)
      return sharedOr(
        async () => ({ changed: (await leaveShared(roomId, socketId)) !== undefined }),
        () => change,
      )
    },

    async leaveAll(socketId) {
      const held = local.entries().filter((entry) => entry.socketId === socketId)
      const leftHere = local.leaveAll(socketId)
      return sharedOr(
        async () => {
          const results = await Promise.all(
            held.map(async ({ roomId, user }) => ({
              roomId,
              user,
              changed: (await leaveShared(roomId, socketId)) !== undefined,
            })),
          )
          return results.filter((r) => r.changed).map(({ roomId, user }) => ({ roomId, user }))
        },
        () => leftHere,
      )
    },

    forget(socketId) {
      local.leaveAll(socketId)
    },

    members(roomId) {
      return sharedOr(
        () => sharedMembers(roomId),
        () => local.members(roomId),
      )
    },

    count(roomId) {
      return sharedOr(
        () => redis.hlen(roomKey(roomId, 'users')),
        () => local.count(roomId),
      )
    },

    has: (roomId, socketId) => local.has(roomId, socketId),

    onExternalChange(listener) {
      listeners.push(listener)
    },

    async sweep(deadInstanceId) {
      const flat = (await redis.eval(
        SWEEP,
        2,
        instancesKey(keyPrefix),
        instanceKey(deadInstanceId),
        deadInstanceId,
        keyPrefix,
      )) as string[]
      const left: Departure[] = []
      for (let i = 0; i + 2 < flat.length; i += 3) {
        left.push({
          roomId: flat[i] as string,
          user: { id: flat[i + 1] as string, name: flat[i + 2] as string },
        })
      }
      notify({ joined: [], left })
      return left
    },

    async resync() {
      const held = local.entries()
      const holding = new Set(held.map(({ roomId, socketId }) => `${roomId} ${socketId}`))
      // Sockets that left while Redis was away: their entries are still there (unless Redis
      // restarted empty), and their users may look online for ever.
      const left: Departure[] = []
      for (const item of await redis.smembers(instanceKey(instanceId))) {
        if (holding.has(item)) continue
        const space = item.indexOf(' ')
        const roomId = item.slice(0, space)
        const user = await leaveShared(roomId, item.slice(space + 1))
        if (user) left.push({ roomId, user })
      }
      const joined: Departure[] = []
      for (const { roomId, user, socketId } of held) {
        if ((await joinShared(roomId, user, socketId)).changed) joined.push({ roomId, user })
      }
      notify({ joined, left })
    },
  }
}
