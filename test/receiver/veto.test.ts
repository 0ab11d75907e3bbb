/**
 * Vetoes end to end: a real sender (withWebHooks, hook with `veto: true`) asking a real receiver over HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { WebHookVetoError, withWebHooks } from '../../src/index.js'
import { createReceiver, deny, type WebHookPayload } from '../../src/receiver/index.js'
import { SECRET, type Served, serve } from './helpers/server.js'

type Api = { 'vm.delete': { params: { id: string }; result: boolean }; 'vm.start': { params: { id: string } } }

const closers: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function gate() {
  const received: WebHookPayload<Api>[] = []
  const receiver = createReceiver<Api>({ secret: SECRET })
    .onPre('vm.delete', ({ payload }) => {
      if (payload.params.id === 'protected-vm') return { allow: false, reason: 'VM is tagged protected' }
    })
    .onPre('vm.start', () => {
      throw deny('maintenance window')
    })
    .on('*', ({ payload }) => void received.push(payload))
  const served: Served = await serve(receiver.node)
  closers.push(() => served.close())
  return { url: served.url, received }
}

function wrap(url: string, extra: Record<string, unknown> = {}) {
  const executed: string[] = []
  const call = withWebHooks(
    async (method: string, params: { id: string }) => {
      executed.push(`${method} ${params.id}`)
      return true
    },
    {
      secret: SECRET,
      retry: false,
      timeout: 2000,
      hooks: [
        { method: 'vm.*', type: 'pre', url, format: 'json', veto: true, ...extra },
        { method: 'vm.*', type: 'post', url, format: 'json' },
      ],
    }
  )
  closers.push(() => call.webHooks.close({ timeout: 1000 }))
  return { call, executed }
}

async function rejection(promise: Promise<unknown>): Promise<WebHookVetoError> {
  const error = await promise.then(
    () => undefined,
    error => error
  )
  expect(error).toBeInstanceOf(WebHookVetoError)
  return error as WebHookVetoError
}

describe('veto hooks against createReceiver', () => {
  it('lets an allowed call go ahead (204)', async () => {
    const { url, received } = await gate()
    const { call, executed } = wrap(url)
    await expect(call('vm.delete', { id: 'scratch-vm' })).resolves.toBe(true)
    expect(executed).toEqual(['vm.delete scratch-vm'])
    await expect.poll(() => received.map(payload => payload.type)).toEqual(['pre', 'post'])
  })

  it('refuses a call denied with { allow: false, reason }, carrying status and reason; the post reports it', async () => {
    const { url, received } = await gate()
    const { call, executed } = wrap(url)
    const error = await rejection(call('vm.delete', { id: 'protected-vm' }))
    expect(error).toMatchObject({ code: 'ERR_WEB_HOOK_VETOED', status: 403, reason: 'VM is tagged protected' })
    expect(executed).toEqual([])
    // The denial stopped the handlers after it, so only the post reached the catch-all handler.
    await expect.poll(() => received.length).toBe(1)
    expect(received[0]).toMatchObject({ type: 'post', method: 'vm.delete', error: { name: 'WebHookVetoError' } })
  })

  it('refuses a call denied with throw deny(reason)', async () => {
    const { url } = await gate()
    const { call, executed } = wrap(url)
    const error = await rejection(call('vm.start', { id: 'a' }))
    expect(error).toMatchObject({ status: 403, reason: 'maintenance window' })
    expect(executed).toEqual([])
  })

  it('an unreachable gate denies by default, and allows with failOpen', async () => {
    const { url } = await gate()
    await closers.shift()!() // the gate goes down
    const closed = wrap(url, { timeout: 300 })
    const error = await rejection(closed.call('vm.delete', { id: 'scratch-vm' }))
    expect(error.code).toBe('ERR_WEB_HOOK_VETO_UNREACHABLE')
    const open = wrap(url, { timeout: 300, failOpen: true })
    await expect(open.call('vm.delete', { id: 'scratch-vm' })).resolves.toBe(true)
    expect(open.executed).toEqual(['vm.delete scratch-vm'])
  })
})
