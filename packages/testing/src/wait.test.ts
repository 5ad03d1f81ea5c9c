import { describe, expect, it, vi } from 'vitest'
import { sleep, waitFor, WaitTimeoutError } from './wait.ts'

describe('waitFor', () => {
  it('resolves with the first truthy value the check returns', async () => {
    let calls = 0
    await expect(waitFor(() => ++calls >= 3 && `after ${calls}`, { intervalMs: 1 })).resolves.toBe(
      'after 3',
    )
  })

  it('awaits an async check', async () => {
    let calls = 0
    await expect(waitFor(async () => ++calls === 2, { intervalMs: 1 })).resolves.toBe(true)
  })

  it('fails after the timeout with the message, and checks once more at the deadline', async () => {
    let calls = 0
    const started = Date.now()
    const error = await waitFor(
      () => {
        calls++
        return false
      },
      { timeoutMs: 50, intervalMs: 20, message: 'the leader' },
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WaitTimeoutError)
    expect((error as Error).message).toBe('timed out after 50 ms waiting for the leader')
    expect(Date.now() - started).toBeGreaterThanOrEqual(50)
    expect(calls).toBeGreaterThanOrEqual(3)
  })

  it('takes a string as the message and a function for a message built at the timeout', async () => {
    await expect(waitFor(() => 0, { timeoutMs: 1, message: 'x' })).rejects.toThrow('waiting for x')
    let state = 'idle'
    const wait = waitFor(() => false, { timeoutMs: 20, message: () => `done (state ${state})` })
    state = 'stuck'
    await expect(wait).rejects.toThrow('waiting for done (state stuck)')
  })

  it('gives up after 5 s by default', async () => {
    vi.useFakeTimers()
    try {
      const wait = waitFor(() => null, 'nothing').catch((e: unknown) => e)
      await vi.advanceTimersByTimeAsync(5000)
      expect(await wait).toEqual(
        new WaitTimeoutError('timed out after 5000 ms waiting for nothing'),
      )
    } finally {
      vi.useRealTimers()
    }
  })

  it('stops at once when the check throws', async () => {
    let calls = 0
    await expect(
      waitFor(() => {
        calls++
        throw new Error('the server exited')
      }),
    ).rejects.toThrow('the server exited')
    expect(calls).toBe(1)
  })
})

describe('sleep', () => {
  it('waits at least the given time', async () => {
    const started = performance.now()
    await sleep(20)
    expect(performance.now() - started).toBeGreaterThanOrEqual(19)
  })
})
