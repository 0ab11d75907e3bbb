import { describe, expect, it } from 'vitest'
import {
  WebHookClosedError,
  WebHookConfigError,
  WebHookTestError,
  createWebHooks,
  withWebHooks,
} from '../../src/index.js'
import { receiver, settle, track } from './setup.js'

describe('.webHooks.configure', () => {
  it('replaces the hooks at run time', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.start', type: 'pre', url: `${rx.url}/old`, format: 'json' }],
      })
    )
    await call('vm.start', {}, undefined)
    await rx.waitFor(1)
    call.webHooks.configure({ hooks: [{ method: 'vm.stop', type: 'pre', url: `${rx.url}/new`, format: 'json' }] })
    await call('vm.start', {}, undefined)
    await call('vm.stop', {}, undefined)
    expect((await settle(rx)).map(r => `${r.url} ${r.json.method}`)).toEqual(['/old vm.start', '/new vm.stop'])
  })

  it('an invalid configuration throws and keeps the previous hooks and options', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }],
        user: () => ({ id: 'first' }),
      })
    )
    expect(() =>
      call.webHooks.configure({
        hooks: [{ method: 'vm.start', type: 'pre', url: 'not a url', format: 'json' }],
        user: () => ({ id: 'second' }),
      })
    ).toThrow(WebHookConfigError)
    await call('vm.start', {}, undefined)
    const [pre] = await rx.waitFor(1)
    expect(pre!.json.userId).toBe('first')
  })

  it('new top-level options apply (user, onError)', async () => {
    const rx = await receiver()
    const call = track(withWebHooks(async () => 1, { hooks: [] }))
    call.webHooks.configure({
      hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }],
      user: () => ({ id: 'second' }),
    })
    await call('vm.start', {}, undefined)
    const [pre] = await rx.waitFor(1)
    expect(pre!.json.userId).toBe('second')
  })
})

describe('.webHooks.test', () => {
  it("sends XO's sample payload to every hook, pre and post, in its format", async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [
          { method: 'vm.start', type: 'pre/post', url: `${rx.url}/json`, format: 'json' },
          { method: 'vm.*', type: 'post', url: `${rx.url}/teams`, format: 'office365' },
        ],
      })
    )
    await call.webHooks.test()
    const requests = await rx.waitFor(3)
    const json = requests.filter(r => r.url === '/json').map(r => r.json)
    expect(json).toEqual(
      expect.arrayContaining(
        (['pre', 'post'] as const).map(type => ({
          type,
          callId: '0',
          userId: 'b4tm4n',
          userName: 'bruce.wayne@waynecorp.com',
          method: 'vm.start',
          params: { id: '67aac198-0174-11ea-8d71-362b9e155667' },
          timestamp: 0,
        }))
      )
    )
    const teams = requests.find(r => r.url === '/teams')!.json
    expect(teams.sections[0].title).toBe('XO POST notification')
    expect(teams.sections[0].facts).toContainEqual({ name: 'method', value: 'vm.*' })
  })

  it('rejects with WebHookTestError on the first failure', async () => {
    const rx = await receiver(request => (request.url === '/bad' ? { status: 404 } : {}))
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [
          { method: 'vm.start', type: 'pre', url: `${rx.url}/good`, format: 'json' },
          { method: 'vm.stop', type: 'post', url: `${rx.url}/bad`, format: 'json' },
        ],
        retry: false,
      })
    )
    const error = await call.webHooks.test().catch(e => e)
    expect(error).toBeInstanceOf(WebHookTestError)
    expect(error).toMatchObject({ code: 'ERR_WEB_HOOK_TEST_FAILED', status: 404, method: 'vm.stop', type: 'post' })
    expect(error.url).toBe(`${rx.url}/bad`)
  })

  it("as XO's: one attempt per hook, one method after the other, stops at the first failure", async () => {
    const rx = await receiver(request => (request.url === '/down' ? { status: 500 } : {}))
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [
          { method: 'vm.start', type: 'pre/post', url: `${rx.url}/down`, format: 'json' },
          { method: 'vm.stop', type: 'pre/post', url: `${rx.url}/later`, format: 'json' },
        ],
        // The default retries and a long timeout: test() still makes one attempt.
        retry: { retries: 5, minDelay: 10, maxDelay: 10 },
      })
    )
    const error = await call.webHooks.test().catch(e => e)
    expect(error).toMatchObject({ code: 'ERR_WEB_HOOK_TEST_FAILED', status: 500, method: 'vm.start' })
    const requests = await settle(rx)
    expect(requests.map(request => `${request.url} ${request.json.type}`).sort()).toEqual(['/down post', '/down pre'])
  })
})

describe('.webHooks.close', () => {
  it('waits for deliveries in flight, then calls go straight through', async () => {
    const rx = await receiver(() => ({ delay: 100 }))
    let calls = 0
    const call = withWebHooks(
      async () => {
        calls++
        return 'ok'
      },
      { hooks: [{ method: 'vm.start', type: 'post', url: rx.url, format: 'json' }] }
    )
    await call('vm.start', {}, undefined)
    await rx.waitFor(1)
    const result = await call.webHooks.close({ timeout: 2000 })
    expect(result.undelivered).toEqual([])
    expect(await call('vm.start', {}, undefined)).toBe('ok')
    expect(calls).toBe(2)
    expect(await settle(rx)).toHaveLength(1)
  })

  it('calls running when close() is called get their post hooks, within its deadline; later calls get none', async () => {
    const rx = await receiver()
    let release!: () => void
    const gate = new Promise<void>(resolve => (release = resolve))
    const events = { dropped: 0, errors: 0 }
    const call = withWebHooks(
      async (_method: string, params: { n: number }) => {
        if (params.n < 20) await gate
        return params.n
      },
      {
        hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }],
        on: { 'delivery:dropped': () => events.dropped++ },
        onError: () => events.errors++,
      }
    )
    const running = Array.from({ length: 20 }, (_, n) => call('vm.start', { n }))
    await rx.waitFor(20) // the 20 pres
    const closing = call.webHooks.close({ timeout: 5000 })
    // A call started after close() runs without hooks.
    expect(await call('vm.start', { n: 99 })).toBe(99)
    release()
    expect(await Promise.all(running)).toHaveLength(20)
    expect((await closing).undelivered).toEqual([])
    const requests = await settle(rx)
    expect(requests.filter(request => request.json.type === 'post')).toHaveLength(20)
    expect(requests.filter(request => request.json.type === 'pre')).toHaveLength(20)
    expect(requests.some(request => request.json.params.n === 99)).toBe(false)
    expect(events).toEqual({ dropped: 0, errors: 0 })
  })

  it('a call whose async user() is still pending when close() is called gets its pre and post too', async () => {
    const rx = await receiver()
    let resolveUser!: (user: { id: string }) => void
    const user = new Promise<{ id: string }>(resolve => (resolveUser = resolve))
    const call = withWebHooks(async () => 'ok', {
      hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }],
      user: () => user,
    })
    expect(await call('vm.start', {})).toBe('ok')
    const closing = call.webHooks.close({ timeout: 5000 })
    expect(await call('vm.start', {})).toBe('ok') // after close(): no hooks
    resolveUser({ id: 'u1' })
    expect((await closing).undelivered).toEqual([])
    const requests = await settle(rx)
    expect(requests.map(request => `${request.json.type} ${request.json.userId}`)).toEqual(['pre u1', 'post u1'])
  })

  it('a call still running at the deadline: its post is reported as dropped, never silently lost', async () => {
    const rx = await receiver()
    let release!: () => void
    const gate = new Promise<void>(resolve => (release = resolve))
    const dropped: string[] = []
    const call = withWebHooks(
      async () => {
        await gate
        return 'late'
      },
      {
        hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }],
        on: { 'delivery:dropped': event => dropped.push(`${event.reason} ${event.delivery.type}`) },
      }
    )
    const running = call('vm.start', {})
    await rx.waitFor(1)
    await call.webHooks.close({ timeout: 50 })
    release()
    expect(await running).toBe('late')
    expect(dropped).toEqual(['closed post'])
  })

  it('configure() and test() after close() fail alike: ERR_WEB_HOOK_CLOSED', async () => {
    const rx = await receiver()
    const call = withWebHooks(async () => 1, { hooks: [{ method: 'vm.start', type: 'pre', url: rx.url }] })
    await call.webHooks.close({ timeout: 0 })
    expect(() => call.webHooks.configure({ hooks: [] })).toThrow(
      expect.objectContaining({ name: 'WebHookClosedError', code: 'ERR_WEB_HOOK_CLOSED', operation: 'configure' })
    )
    await expect(call.webHooks.test()).rejects.toMatchObject({ code: 'ERR_WEB_HOOK_CLOSED', operation: 'test' })
    await expect(call.webHooks.test()).rejects.toBeInstanceOf(WebHookClosedError)
    // Nothing else broke: calls go straight through, stats still answer.
    expect(await call('vm.start', {})).toBe(1)
    expect(call.webHooks.stats().queued).toBe(0)
    expect(await settle(rx)).toHaveLength(0)
  })
})

describe('createWebHooks (the host-agnostic core)', () => {
  it('takes XO-style event data: pre → undefined when nothing waits, post → void', async () => {
    const rx = await receiver()
    const hooks = track(
      createWebHooks({ hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }] })
    )
    expect(hooks.matches('vm.start')).toBe(true)
    expect(hooks.matches('vm.stop')).toBe(false)
    const data = { callId: 'c1', userId: 'u', userName: 'n', method: 'vm.start', params: { token: 't' }, timestamp: 1 }
    expect(hooks.pre(data)).toBeUndefined()
    hooks.post({ ...data, timestamp: 5, duration: 4, result: undefined })
    const [pre, post] = (await rx.waitFor(2)).map(r => r.json)
    expect(pre).toEqual({ type: 'pre', ...data, params: { token: '* obfuscated *' } })
    expect(post).toEqual({
      type: 'post',
      ...data,
      params: { token: '* obfuscated *' },
      timestamp: 5,
      duration: 4,
      result: true,
    })
  })

  it('pre returns a promise for waiting hooks; post takes an XO serialised error', async () => {
    const rx = await receiver()
    const hooks = track(
      createWebHooks({
        hooks: [{ method: 'vm.*', type: 'pre/post', url: rx.url, format: 'json', waitForResponse: true }],
      })
    )
    const data = { callId: 'c2', method: 'vm.stop', params: {}, timestamp: 1 }
    const pending = hooks.pre(data)
    expect(pending).toBeInstanceOf(Promise)
    await pending
    hooks.post({ ...data, timestamp: 2, duration: 1, error: { message: 'x', code: 1, stack: 'at …' } })
    const [, post] = await rx.waitFor(2)
    expect(post!.json.error).toEqual({ message: 'x', code: 1 })
  })

  it('unknown methods cost a lookup and send nothing', async () => {
    const rx = await receiver()
    const hooks = track(
      createWebHooks({ hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }] })
    )
    expect(hooks.pre({ callId: 'c', method: 'nope', timestamp: 0 })).toBeUndefined()
    hooks.post({ callId: 'c', method: 'nope', timestamp: 0, duration: 0, result: 1 })
    expect(await settle(rx)).toHaveLength(0)
  })
})
