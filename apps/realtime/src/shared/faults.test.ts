import { describe, expect, it } from 'vitest'
import { parseEnv } from './env.ts'
import { createFaultRegistry, faultSettingsFrom } from './faults.ts'

const settings = { enabled: true, stallMs: 10_000, ratePoints: 2, rateSeconds: 60 }
const noSession = async () => ({ ok: false }) as never

function target() {
  const applied: string[] = []
  return { applied, faults: { drop: () => void applied.push('drop') } }
}

describe('createFaultRegistry', () => {
  it("reaches only the owner's own connections", async () => {
    const registry = createFaultRegistry(settings, noSession)
    const ada = target()
    registry.register('ada', 'sock-1', ada.faults)

    expect(await registry.inject('bob', 'sock-1', 'drop')).toMatchObject({ status: 404 })
    expect(await registry.inject('ada', 'sock-1', 'drop')).toMatchObject({ ok: true })
    expect(ada.applied).toEqual(['drop'])
  })

  it('forgets a closed connection, but not a newer one registered under the same id', async () => {
    const registry = createFaultRegistry(settings, noSession)
    const old = target()
    const recovered = target()
    const unregisterOld = registry.register('ada', 'sock-1', old.faults)
    // Socket.IO recovery: the new socket keeps the id and may register before the old one goes.
    registry.register('ada', 'sock-1', recovered.faults)
    unregisterOld()

    expect(await registry.inject('ada', 'sock-1', 'drop')).toMatchObject({ ok: true })
    expect(recovered.applied).toEqual(['drop'])
    expect(old.applied).toEqual([])
  })

  it('rate limits per user and refuses everything when disabled', async () => {
    const registry = createFaultRegistry(settings, noSession)
    registry.register('ada', 'sock-1', target().faults)
    await registry.inject('ada', 'sock-1', 'drop')
    await registry.inject('ada', 'sock-1', 'drop')
    expect(await registry.inject('ada', 'sock-1', 'drop')).toMatchObject({ status: 429 })

    const off = createFaultRegistry({ ...settings, enabled: false }, noSession)
    const ada = target()
    off.register('ada', 'sock-1', ada.faults)
    expect(await off.inject('ada', 'sock-1', 'drop')).toMatchObject({ status: 403 })
    expect(ada.applied).toEqual([])
  })
})

describe('FaultRegistry.addLookup', () => {
  function lookedUp(owner: string, id: string) {
    const found = target()
    return {
      found,
      lookup: (o: string, c: string) => (o === owner && c === id ? found.faults : undefined),
    }
  }

  it('finds a connection nobody registered, for its owner only', async () => {
    const registry = createFaultRegistry(settings, noSession)
    const { found, lookup } = lookedUp('ada', 'sock-1')
    registry.addLookup(lookup)

    expect(await registry.inject('bob', 'sock-1', 'drop')).toMatchObject({ status: 404 })
    expect(await registry.inject('ada', 'sock-2', 'drop')).toMatchObject({ status: 404 })
    expect(await registry.inject('ada', 'sock-1', 'drop')).toMatchObject({ ok: true })
    expect(found.applied).toEqual(['drop'])
  })

  it('goes through the switch, the support check and the rate limit like a registered one', async () => {
    const off = createFaultRegistry({ ...settings, enabled: false }, noSession)
    const disabled = lookedUp('ada', 'sock-1')
    off.addLookup(disabled.lookup)
    expect(await off.inject('ada', 'sock-1', 'drop')).toMatchObject({ status: 403 })
    expect(disabled.found.applied).toEqual([])

    const registry = createFaultRegistry(settings, noSession)
    const { found, lookup } = lookedUp('ada', 'sock-1')
    registry.addLookup(lookup)
    expect(await registry.inject('ada', 'sock-1', 'stall')).toMatchObject({ status: 400 })
    // A 404 or a 400 spends no quota: two of two faults still go through.
    await registry.inject('ada', 'sock-9', 'drop')
    expect(await registry.inject('ada', 'sock-1', 'drop')).toMatchObject({ ok: true })
    expect(await registry.inject('ada', 'sock-1', 'drop')).toMatchObject({ ok: true })
    expect(await registry.inject('ada', 'sock-1', 'drop')).toMatchObject({ status: 429 })
    expect(found.applied).toEqual(['drop', 'drop'])
  })

  it('prefers a registered connection, and leaves it registered', async () => {
    const registry = createFaultRegistry(settings, noSession)
    const registered = target()
    registry.register('ada', 'sock-1', registered.faults)
    const { found, lookup } = lookedUp('ada', 'sock-1')
    registry.addLookup(lookup)

    await registry.inject('ada', 'sock-1', 'drop')
    await registry.inject('ada', 'sock-1', 'drop')
    expect(registered.applied).toEqual(['drop', 'drop'])
    expect(found.applied).toEqual([])
  })
})

describe('FAULTS_* settings', () => {
  it('are on by default with a 10 s stall, and off with FAULTS_ENABLED=false', () => {
    expect(faultSettingsFrom({})).toEqual({
      enabled: true,
      stallMs: 10_000,
      ratePoints: 10,
      rateSeconds: 60,
    })
    expect(faultSettingsFrom({ FAULTS_ENABLED: 'false' }).enabled).toBe(false)
  })

  it('are checked at start-up with the rest of the environment', () => {
    expect(() => parseEnv({ FAULTS_ENABLED: 'sometimes' })).toThrow(/FAULTS_ENABLED/)
    expect(() => parseEnv({ FAULTS_STALL_MS: '5' })).toThrow(/FAULTS_STALL_MS/)
  })
})
