/**
 * onCall pairs the pre and post of a call by callId, in either order; orphans are reported after orphanTtl.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  createReceiver,
  type WebHookCallState,
  type WebHookOrphanState,
  type WebHookReceiver,
  type WebHookReceiverOptions,
} from '../../src/receiver/index.js'
import { delay, post, pre, SECRET, type Served, send, serve } from './helpers/server.js'

let served: Served | undefined
let receiver: WebHookReceiver | undefined

afterEach(async () => {
  receiver?.close()
  await served?.close()
  served = receiver = undefined
})

async function start(options: WebHookReceiverOptions = {}) {
  const calls: WebHookCallState[] = []
  const orphans: WebHookOrphanState[] = []
  receiver = createReceiver({ secret: SECRET, onOrphan: orphan => orphans.push(orphan), ...options })
  receiver.onCall(state => calls.push(state))
  served = await serve(receiver.node)
  return { receiver, url: served.url, calls, orphans }
}

describe('onCall', () => {
  it('gets { callId, pre, post } once both halves arrived, pre first', async () => {
    const { receiver, url, calls } = await start()
    await send(url, pre({ callId: 'c1' }), { secret: SECRET })
    expect(calls).toEqual([])
    expect(receiver.pending).toBe(1)
    await send(url, post({ callId: 'c1' }), { secret: SECRET })
    expect(calls).toEqual([
      { callId: 'c1', method: 'vm.start', pre: pre({ callId: 'c1' }), post: post({ callId: 'c1' }) },
    ])
    expect(receiver.pending).toBe(0)
  })

  it('gets them when the post arrives first', async () => {
    const { url, calls } = await start()
    await send(url, post({ callId: 'c2', result: undefined, error: { message: 'denied' } }), { secret: SECRET })
    await send(url, pre({ callId: 'c2' }), { secret: SECRET })
    expect(calls).toHaveLength(1)
    expect(calls[0]!.pre.type).toBe('pre')
    expect(calls[0]!.post).toMatchObject({ type: 'post', error: { message: 'denied' } })
  })

  it('keeps interleaved calls apart', async () => {
    const { url, calls } = await start()
    await send(url, pre({ callId: 'a', method: 'vm.start' }), { secret: SECRET })
    await send(url, pre({ callId: 'b', method: 'vm.stop' }), { secret: SECRET })
    await send(url, post({ callId: 'b', method: 'vm.stop' }), { secret: SECRET })
    await send(url, post({ callId: 'a', method: 'vm.start' }), { secret: SECRET })
    expect(calls.map(call => `${call.callId}:${call.pre.method}:${call.post.method}`)).toEqual([
      'b:vm.stop:vm.stop',
      'a:vm.start:vm.start',
    ])
  })

  it('a duplicate half does not complete a call twice', async () => {
    const { url, calls } = await start()
    await send(url, pre({ callId: 'd' }), { secret: SECRET, id: 'msg_pre_d' })
    await send(url, post({ callId: 'd' }), { secret: SECRET, id: 'msg_post_d' })
    await send(url, post({ callId: 'd' }), { secret: SECRET, id: 'msg_post_d' })
    expect(calls).toHaveLength(1)
  })

  it('reports a half whose other half never came to onOrphan after orphanTtl', async () => {
    const { receiver, url, calls, orphans } = await start({ orphanTtl: 30 })
    await send(url, pre({ callId: 'lonely' }), { secret: SECRET })
    await send(url, post({ callId: 'late' }), { secret: SECRET })
    await delay(100)
    expect(calls).toEqual([])
    expect(orphans).toEqual([
      { callId: 'lonely', pre: pre({ callId: 'lonely' }) },
      { callId: 'late', post: post({ callId: 'late' }) },
    ])
    expect(receiver.pending).toBe(0)
    // The other half, arriving after that, waits anew (and is an orphan in its turn).
    await send(url, post({ callId: 'lonely' }), { secret: SECRET })
    expect(calls).toEqual([])
  })

  it('answers 500 when onCall throws, and completes the call when the half is retried', async () => {
    const errors: unknown[] = []
    receiver = createReceiver({ secret: SECRET, onError: ({ error }) => errors.push(error.message) })
    let attempts = 0
    const calls: string[] = []
    receiver.onCall(({ callId }) => {
      if (++attempts === 1) throw new Error('audit log full')
      calls.push(callId)
    })
    served = await serve(receiver.node)
    await send(served.url, pre({ callId: 'r' }), { secret: SECRET })
    expect((await send(served.url, post({ callId: 'r' }), { secret: SECRET, id: 'msg_r' })).status).toBe(500)
    expect(errors).toEqual(['audit log full'])
    expect((await send(served.url, post({ callId: 'r' }), { secret: SECRET, id: 'msg_r' })).status).toBe(204)
    expect(calls).toEqual(['r'])
  })

  it('pairs a denied pre with its post (a vetoed call still sends its post)', async () => {
    const { receiver, url, calls } = await start()
    receiver.onPre(() => ({ allow: false, reason: 'no' }))
    expect((await send(url, pre({ callId: 'v' }), { secret: SECRET })).status).toBe(403)
    await send(url, post({ callId: 'v', result: undefined, error: { name: 'WebHookVetoError', message: 'no' } }), {
      secret: SECRET,
    })
    expect(calls).toHaveLength(1)
    expect(calls[0]!.post).toMatchObject({ error: { name: 'WebHookVetoError' } })
  })

  it('stores nothing when there is no onCall handler', async () => {
    receiver = createReceiver()
    served = await serve(receiver.node)
    await send(served.url, pre())
    expect(receiver.pending).toBe(0)
  })
})
