import { describe, expect, it } from 'vitest'
import { withWebHooks } from '../../src/index.js'
import { receiver, settle, track } from './setup.js'

/** A dispatcher that records when it ran. */
function recorder() {
  const calls: Array<{ method: string; at: number }> = []
  const dispatch = async (method: string, _params?: unknown) => {
    calls.push({ method, at: Date.now() })
    return 'done'
  }
  return { calls, dispatch }
}

describe('waitForResponse', () => {
  it('delays the call until the pre hook answered', async () => {
    const rx = await receiver(() => ({ delay: 100 }))
    const { calls, dispatch } = recorder()
    const call = track(
      withWebHooks(dispatch, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json', waitForResponse: true }],
        retry: false,
      })
    )
    const promise = call('vm.start', {})
    const [pre] = await rx.waitFor(1)
    expect(calls).toHaveLength(0) // the receiver has not answered yet
    expect(await promise).toBe('done')
    expect(calls[0]!.at).toBeGreaterThanOrEqual(pre!.receivedAt)
  })

  it('a failing (500) hook never fails the call and is reported to onError', async () => {
    const rx = await receiver(() => ({ status: 500, body: 'boom' }))
    const errors: unknown[] = []
    const call = track(
      withWebHooks(recorder().dispatch, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json', waitForResponse: true }],
        retry: false,
        onError: event => errors.push(event),
      })
    )
    expect(await call('vm.start', {})).toBe('done')
    expect(rx.requests).toHaveLength(1)
    expect(errors).toEqual([expect.objectContaining({ method: 'vm.start', type: 'pre', url: `${rx.url}/` })])
  })

  it('a timing-out hook never fails the call', async () => {
    const rx = await receiver(() => ({ delay: 1000 }))
    const { calls, dispatch } = recorder()
    const call = track(
      withWebHooks(dispatch, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json', waitForResponse: true, timeout: 100 }],
        retry: false,
      })
    )
    expect(await call('vm.start', {})).toBe('done')
    expect(calls).toHaveLength(1)
    // The call went ahead before the receiver would have answered.
    expect(calls[0]!.at).toBeLessThan(rx.requests[0]!.receivedAt + 1000)
  })

  it('is ignored on post hooks (XO shows the checkbox for every type)', async () => {
    let answered = false
    const rx = await receiver(async () => {
      await new Promise(resolve => setTimeout(resolve, 500))
      answered = true
      return {}
    })
    const call = track(
      withWebHooks(async () => 'done', {
        hooks: [{ method: 'vm.start', type: 'post', url: rx.url, format: 'json', waitForResponse: true }],
      })
    )
    expect(await call('vm.start', {})).toBe('done')
    expect(answered).toBe(false)
    await rx.waitFor(1)
  })
})

describe('fire-and-forget hooks', () => {
  it('post hooks never delay the call', async () => {
    let answeredAt = 0
    const rx = await receiver(async () => {
      await new Promise(resolve => setTimeout(resolve, 500))
      answeredAt = Date.now()
      return {}
    })
    const call = track(
      withWebHooks(async () => 'done', {
        hooks: [{ method: 'vm.start', type: 'post', url: rx.url, format: 'json' }],
      })
    )
    expect(await call('vm.start', {})).toBe('done')
    expect(answeredAt).toBe(0)
    await rx.waitFor(1)
  })

  it('plain pre hooks never delay the call', async () => {
    let answered = false
    const rx = await receiver(async () => {
      await new Promise(resolve => setTimeout(resolve, 500))
      answered = true
      return {}
    })
    const call = track(
      withWebHooks(async () => 'done', {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }],
      })
    )
    expect(await call('vm.start', {})).toBe('done')
    expect(answered).toBe(false)
    await rx.waitFor(1)
  })

  it('unmatched methods send nothing and go straight through', async () => {
    const rx = await receiver()
    const { calls, dispatch } = recorder()
    const call = track(
      withWebHooks(dispatch, { hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }] })
    )
    expect(await call('vm.stop', {})).toBe('done')
    expect(calls.map(c => c.method)).toEqual(['vm.stop'])
    expect(await settle(rx)).toHaveLength(0)
  })

  it('an unmatched synchronous throw becomes a rejection', async () => {
    const call = track(
      withWebHooks(
        () => {
          throw new TypeError('sync')
        },
        { hooks: [] }
      )
    )
    await expect(call('x', {})).rejects.toThrow(TypeError)
  })
})
