/**
 * The integration examples run: withWebHooks around an XO-style callApiMethod (where a veto does stop the call) and
 * around a plain object of methods.
 */
import { describe, expect, it } from 'vitest'
import { api, createApi, describePayload } from '../../examples/methods-object.js'
import { createDemoXo, deleteVm, demoConnection, demoHooks, hookXoApi } from '../../examples/xo-call-api-method.js'
import { onCleanup, receiver } from '../core/setup.js'

describe('examples/xo-call-api-method.ts', () => {
  it('a veto hook stops the XO call; an allowed call runs; posts report both', async () => {
    const guard = await receiver(request =>
      request.json.params.id === 'prod-db' ? { status: 403, body: '{"reason":"production VM"}' } : { status: 204 }
    )
    const audit = await receiver()
    const deleted: string[] = []
    const xo = createDemoXo({
      'vm.delete': ({ id }) => {
        deleted.push(id as string)
      },
    })
    const webHooks = hookXoApi(xo, { hooks: demoHooks(guard.url, audit.url) })
    onCleanup(() => webHooks.close({ timeout: 500 }))
    const connection = demoConnection({ user_id: 'u1', user_ip: '10.0.0.7' })

    expect(await deleteVm(xo, connection, 'prod-db')).toBe('refused: production VM')
    expect(await deleteVm(xo, connection, 'scratch')).toBe('deleted')
    expect(deleted).toEqual(['scratch'])

    const posts = (await audit.waitFor(2)).map(request => request.json)
    expect(posts.find(post => post.params.id === 'prod-db').error).toMatchObject({ code: 'ERR_WEB_HOOK_VETOED' })
    expect(posts.find(post => post.params.id === 'scratch')).toMatchObject({
      result: true,
      userId: 'u1',
      userName: 'u1@example.com',
      userIp: '10.0.0.7',
    })
  })
})

describe('examples/methods-object.ts', () => {
  it('hooks a plain object of methods; results and errors unchanged', async () => {
    const hooks = await receiver()
    const call = createApi({ hooks: [{ method: 'vm.*', type: 'post', url: hooks.url }] })
    onCleanup(() => call.webHooks.close({ timeout: 500 }))
    const context = { userId: 'alice', ip: '127.0.0.1' }
    expect(await call('vm.start', { id: 'vm-1' }, context)).toEqual({ id: 'vm-1', running: true })
    await expect(call('vm.stop', { id: 'locked' }, context)).rejects.toThrow('VM locked is locked')
    expect(await call('host.list', {}, context)).toEqual(['host-1', 'host-2'])
    await expect(call('nope', {}, context)).rejects.toThrow('no such method: nope')

    const posts = (await hooks.waitFor(2)).map(request => request.json)
    const start = posts.find(post => post.method === 'vm.start')
    expect(describePayload(start)).toBe('vm vm-1 running: true')
    expect(posts.find(post => post.method === 'vm.stop').error).toMatchObject({ code: 'VM_LOCKED' })
    expect(Object.keys(api)).toHaveLength(3)
  })
})
