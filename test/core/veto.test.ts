import { describe, expect, it } from 'vitest'
import { WebHookVetoError, withWebHooks } from '../../src/index.js'
import type { Reply } from '../helpers/receiver.js'
import { receiver, track } from './setup.js'

async function gate(reply: (type: string) => Reply, hook: object = {}) {
  const rx = await receiver(request => reply(request.json?.type))
  const calls: string[] = []
  const call = track(
    withWebHooks(
      async (method: string, _params?: unknown) => {
        calls.push(method)
        return 'deleted'
      },
      {
        hooks: [{ method: 'vm.delete', type: 'pre/post', url: `${rx.url}/gate`, format: 'json', veto: true, ...hook }],
        retry: false,
      }
    )
  )
  return { rx, calls, call }
}

describe('veto hooks', () => {
  it('a 2xx answer lets the call go ahead', async () => {
    const { call, calls, rx } = await gate(() => ({ status: 204 }))
    expect(await call('vm.delete', { id: 'a' })).toBe('deleted')
    expect(calls).toEqual(['vm.delete'])
    const [, post] = await rx.waitFor(2)
    expect(post?.json.result).toBe('deleted')
  })

  it('a 403 with { reason } refuses the call: WebHookVetoError, dispatcher not called', async () => {
    const { call, calls } = await gate(type =>
      type === 'pre' ? { status: 403, body: JSON.stringify({ reason: 'VM is protected' }) } : {}
    )
    const error = await call('vm.delete', { id: 'a' }).catch(e => e)
    expect(error).toBeInstanceOf(WebHookVetoError)
    expect(error).toMatchObject({
      name: 'WebHookVetoError',
      code: 'ERR_WEB_HOOK_VETOED',
      status: 403,
      reason: 'VM is protected',
      method: 'vm.delete',
    })
    expect(error.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gate$/)
    expect(error.message).toContain('VM is protected')
    expect(calls).toEqual([])
  })

  it('a refusal is the gate working: delivery:vetoed, info log, no given-up, no onError, no retry', async () => {
    const rx = await receiver(request =>
      request.json?.type === 'pre' ? { status: 403, body: JSON.stringify({ reason: 'frozen' }) } : {}
    )
    const logged: Array<[string, string, any]> = []
    const errors: unknown[] = []
    const events: Record<string, any[]> = { 'delivery:vetoed': [], 'delivery:given-up': [], 'delivery:failed': [] }
    const call = track(
      withWebHooks(async (_method: string, _params?: unknown) => 'deleted', {
        hooks: [{ method: 'vm.delete', type: 'pre/post', url: `${rx.url}/gate`, format: 'json', veto: true }],
        retry: { retries: 3, minDelay: 1, maxDelay: 1 },
        onError: event => errors.push(event),
        logger: {
          info: (message, context) => logged.push(['info', message, context]),
          warn: (message, context) => logged.push(['warn', message, context]),
          error: (message, context) => logged.push(['error', message, context]),
        },
        on: {
          'delivery:vetoed': event => events['delivery:vetoed']!.push(event),
          'delivery:given-up': event => events['delivery:given-up']!.push(event),
          'delivery:failed': event => events['delivery:failed']!.push(event),
        },
      })
    )
    await expect(call('vm.delete', { id: 'a' })).rejects.toMatchObject({
      code: 'ERR_WEB_HOOK_VETOED',
      reason: 'frozen',
    })
    await rx.waitFor(2) // the pre, once (no retry), and the post
    expect(rx.requests.filter(request => request.json.type === 'pre')).toHaveLength(1)
    expect(events['delivery:vetoed']).toEqual([
      expect.objectContaining({ type: 'pre', method: 'vm.delete', status: 403, reason: 'frozen', attempts: 1 }),
    ])
    expect(events['delivery:given-up']).toEqual([])
    expect(events['delivery:failed']).toEqual([])
    expect(errors).toEqual([])
    expect(logged.filter(([level]) => level !== 'info')).toEqual([])
    expect(logged).toEqual([['info', 'web hook vetoed the call', expect.objectContaining({ status: 403 })]])
    // The gate is healthy: the next call is asked again.
    await expect(call('vm.delete', { id: 'b' })).rejects.toMatchObject({ code: 'ERR_WEB_HOOK_VETOED' })
    expect(call.webHooks.stats().endpoints[`${rx.url}/gate`]).toMatchObject({ failed: 0, breaker: 'closed' })
  })

  it('the vetoed call still sends its post hooks, with the veto as the error', async () => {
    const { call, rx } = await gate(type => (type === 'pre' ? { status: 403, body: 'not today' } : {}))
    await call('vm.delete', { id: 'a' }).catch(() => {})
    const [pre, post] = (await rx.waitFor(2)).map(r => r.json)
    expect(post).toMatchObject({
      type: 'post',
      callId: pre.callId,
      error: { name: 'WebHookVetoError', code: 'ERR_WEB_HOOK_VETOED', status: 403, reason: 'not today' },
    })
    expect(post.error).not.toHaveProperty('stack')
  })

  it('a text reason is capped at 1024 characters', async () => {
    const { call } = await gate(() => ({ status: 409, body: 'x'.repeat(3000) }))
    const error = await call('vm.delete', {}).catch(e => e)
    expect(error.reason).toHaveLength(1024)
  })

  it('an unreachable gate denies by default (fail-closed)', async () => {
    const { call, calls, rx } = await gate(() => ({ reset: true }))
    await rx.close()
    const error = await call('vm.delete', {}).catch(e => e)
    expect(error).toBeInstanceOf(WebHookVetoError)
    expect(error.code).toBe('ERR_WEB_HOOK_VETO_UNREACHABLE')
    expect(error.status).toBeUndefined()
    expect(calls).toEqual([])
  })

  it('a timing-out gate denies by default', async () => {
    const { call, calls } = await gate(() => ({ delay: 1000 }), { timeout: 100 })
    const error = await call('vm.delete', {}).catch(e => e)
    expect(error.code).toBe('ERR_WEB_HOOK_VETO_UNREACHABLE')
    expect(calls).toEqual([])
  })

  it('a 5xx gate is unreachable, not a refusal', async () => {
    const { call } = await gate(() => ({ status: 503 }))
    const error = await call('vm.delete', {}).catch(e => e)
    expect(error).toMatchObject({ code: 'ERR_WEB_HOOK_VETO_UNREACHABLE', status: 503 })
  })

  it('failOpen lets the call through when the gate is unreachable', async () => {
    const { call, calls } = await gate(() => ({ delay: 1000 }), { timeout: 100, failOpen: true })
    expect(await call('vm.delete', {})).toBe('deleted')
    expect(calls).toEqual(['vm.delete'])
  })

  it('failOpen does not override an explicit refusal', async () => {
    const { call } = await gate(() => ({ status: 403 }), { failOpen: true })
    await expect(call('vm.delete', {})).rejects.toMatchObject({ code: 'ERR_WEB_HOOK_VETOED' })
  })

  it('a waitForResponse hook that fails does not veto (XO meaning kept)', async () => {
    const { call } = await gate(() => ({ status: 403 }), { veto: false, waitForResponse: true })
    expect(await call('vm.delete', {})).toBe('deleted')
  })
  it('with several gates, every one must allow; the first refusal (in configuration order) is the error', async () => {
    const rx = await receiver(request =>
      request.url === '/ok' ? { status: 200 } : { status: 403, body: JSON.stringify({ reason: request.url }) }
    )
    let called = false
    const call = track(
      withWebHooks(
        async () => {
          called = true
        },
        {
          hooks: ['/ok', '/no-1', '/no-2'].map(path => ({
            method: 'vm.delete',
            type: 'pre',
            url: `${rx.url}${path}`,
            format: 'json',
            veto: true,
          })),
          retry: false,
        }
      )
    )
    const error = await call('vm.delete', {}).catch(e => e)
    expect(error.reason).toBe('/no-1')
    expect(called).toBe(false)
    expect(rx.requests).toHaveLength(3)
  })
})
