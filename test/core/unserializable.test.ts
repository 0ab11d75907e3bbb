/**
 * Issue #12 item 11 and #13 item 6: what JSON cannot hold still makes a payload that our own receiver accepts (the
 * documented `"[Unserializable: …]"` marker), and is reported to `onError` with a coded error.
 */
import { describe, expect, it } from 'vitest'
import { type WebHookErrorEvent, withWebHooks } from '../../src/index.js'
import { createReceiver, type WebHookPayload } from '../../src/receiver/index.js'
import { serve } from '../receiver/helpers/server.js'
import { track } from './setup.js'

/** A wrapper whose hooks go to a real `createReceiver` on loopback; what it handled and refused is recorded. */
async function wrapped(dispatch: (method: string, params: any) => unknown) {
  const received: WebHookPayload[] = []
  const refused: number[] = []
  const receiver = createReceiver({ onError: ({ status }) => refused.push(status) })
  receiver.on('*', ({ payload }) => void received.push(payload))
  const served = await serve(receiver.node)
  track(served)
  const errors: WebHookErrorEvent[] = []
  const logged: unknown[] = []
  const call = track(
    withWebHooks(dispatch, {
      hooks: [{ method: 'vm.start', type: 'pre/post', url: served.url }],
      retry: false,
      onError: event => errors.push(event),
      logger: { warn: (...args) => logged.push(args), error: (...args) => logged.push(args) },
    })
  )
  const until = async (count: number) => {
    for (let i = 0; i < 500 && received.length + refused.length < count; i++) await new Promise(r => setTimeout(r, 10))
    expect(refused).toEqual([])
    expect(received).toHaveLength(count)
  }
  return { call, received, errors, logged, until }
}

/** A Proxy every trap of which throws, as a revoked or hostile object does. */
function hostile(): object {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

describe('unserializable values (items 12.11, 13.6)', () => {
  it.each([
    ['a function', () => 'x'],
    ['a symbol', Symbol('done')],
  ])('a result that is %s: the post carries a marker and is accepted', async (kind, value) => {
    const { call, received, errors, until } = await wrapped(async () => value)
    expect(await call('vm.start', {})).toBe(value)
    await until(2)
    const post = received.find(payload => payload.type === 'post') as { result: unknown }
    expect(post.result).toBe(`[Unserializable: ${kind}, which JSON cannot hold]`)
    expect(
      errors.map(({ error, type }) => [(error as { code?: string }).code, (error as { path?: string }).path, type])
    ).toEqual([['ERR_WEB_HOOK_PAYLOAD_UNSERIALIZABLE', 'result', 'post']])
  })

  it('params whose toJSON throws (a revoked Proxy): pre and post are sent with the marker, onError is told', async () => {
    const { call, received, errors, logged, until } = await wrapped(async () => 'ok')
    expect(await call('vm.start', hostile())).toBe('ok')
    await until(2)
    for (const payload of received) expect(payload.params).toMatch(/^\[Unserializable: .*revoked.*\]$/)
    expect(errors.map(({ error, type }) => [(error as { code?: string }).code, type]).sort()).toEqual([
      ['ERR_WEB_HOOK_PAYLOAD_UNSERIALIZABLE', 'post'],
      ['ERR_WEB_HOOK_PAYLOAD_UNSERIALIZABLE', 'pre'],
    ])
    expect(errors[0]!.error.message).toMatch(/^params: could not be serialised/)
    expect(logged).toEqual([])
  })

  it('an error whose toJSON throws is sent as an error object with the marker as message', async () => {
    const failure = Object.assign(new Error('disk full'), {
      toJSON() {
        throw new Error('no JSON for you')
      },
    })
    const { call, received, errors, until } = await wrapped(async () => {
      throw failure
    })
    await expect(call('vm.start', {})).rejects.toBe(failure)
    await until(2)
    const post = received.find(payload => payload.type === 'post') as { error: unknown }
    expect(post.error).toEqual({ message: '[Unserializable: no JSON for you]' })
    expect(errors.map(({ error }) => (error as { path?: string }).path)).toEqual(['error'])
  })

  it('a JSON-safe call reports nothing', async () => {
    const { call, errors, until } = await wrapped(async () => ({ ok: true }))
    await call('vm.start', { id: 1 })
    await until(2)
    expect(errors).toEqual([])
  })
})
