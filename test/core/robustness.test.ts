import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebHookUserError, withWebHooks, type WebHookErrorEvent } from '../../src/index.js'
import { receiver, track } from './setup.js'

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeEach(() => {
  unhandled.length = 0
  process.on('unhandledRejection', onUnhandled)
})
afterEach(() => {
  process.off('unhandledRejection', onUnhandled)
  expect(unhandled).toEqual([])
})

async function wrap<R>(dispatch: (method: string, params: any) => R, extra: object = {}) {
  const rx = await receiver()
  const call = track(
    withWebHooks(dispatch, {
      hooks: [{ method: 'vm.start', type: 'pre/post', url: rx.url, format: 'json' }],
      retry: false,
      ...extra,
    })
  )
  return { rx, call }
}

describe('odd dispatcher values', () => {
  it('a thrown non-Error comes back untouched, and the post reports it', async () => {
    const { rx, call } = await wrap(async () => {
      throw 'plain string'
    })
    await expect(call('vm.start', {})).rejects.toBe('plain string')
    const [, post] = await rx.waitFor(2)
    expect(post!.json.error).toEqual({ message: 'plain string' })
  })

  it('a thrown undefined comes back as undefined', async () => {
    const { rx, call } = await wrap(async () => {
      throw undefined
    })
    const outcome = await call('vm.start', {}).then(
      () => 'resolved',
      (error: unknown) => error
    )
    expect(outcome).toBeUndefined()
    const [, post] = await rx.waitFor(2)
    expect(post!.json.error).toEqual({ message: 'undefined' })
  })

  it('a circular result is returned as is and degraded in the payload', async () => {
    const result: any = { name: 'loop' }
    result.self = result
    const { rx, call } = await wrap(async () => result)
    expect(await call('vm.start', {})).toBe(result)
    const [, post] = await rx.waitFor(2)
    expect(post!.json.result).toEqual({ name: 'loop', self: '[Circular]' })
  })

  it('BigInts, throwing getters and toJSON, functions and Dates degrade without failing', async () => {
    const odd = {
      big: 10n ** 20n,
      date: new Date(0),
      fn() {},
      get boom() {
        throw new Error('getter')
      },
      bad: {
        toJSON: () => {
          throw new Error('toJSON')
        },
      },
      shared: [1, 2],
    }
    const { rx, call } = await wrap(async () => ({ a: odd.shared, b: odd.shared }))
    await call('vm.start', odd)
    const [pre, post] = await rx.waitFor(2)
    expect(pre!.json.params).toEqual({
      big: '100000000000000000000',
      date: '1970-01-01T00:00:00.000Z',
      boom: '[Unserializable: getter]',
      bad: '[Unserializable: toJSON]',
      shared: [1, 2],
    })
    // A value seen twice is not a cycle.
    expect(post!.json.result).toEqual({ a: [1, 2], b: [1, 2] })
  })

  it('odd params (undefined, a string, an array) still go out', async () => {
    const { rx, call } = await wrap(async (_m, params) => params)
    expect(await call('vm.start', undefined)).toBeUndefined()
    expect(await call('vm.start', 'text')).toBe('text')
    expect(await call('vm.start', [1, 'a'])).toEqual([1, 'a'])
    const requests = await rx.waitFor(6)
    const pres = requests.filter(r => r.json.type === 'pre').map(r => r.json.params)
    expect(pres).toEqual(expect.arrayContaining([{}, 'text', [1, 'a']]))
  })

  it('a synchronous dispatcher works and its result is awaited', async () => {
    const { call } = await wrap(() => 42)
    expect(await call('vm.start', {})).toBe(42)
  })
})

describe('user()', () => {
  it('may be async', async () => {
    const { rx, call } = await wrap(async () => 1, { user: async () => ({ id: 'async-user' }) })
    await call('vm.start', {})
    const [pre] = await rx.waitFor(1)
    expect(pre!.json.userId).toBe('async-user')
  })

  it('receives (context, method, params)', async () => {
    const seen: unknown[] = []
    const { call } = await wrap(async () => 1, {
      user: (...args: unknown[]) => {
        seen.push(args)
        return undefined
      },
    })
    const context = { session: 1 }
    await (call as any)('vm.start', { id: 'a' }, context)
    expect(seen).toEqual([[context, 'vm.start', { id: 'a' }]])
  })

  it('a throwing user() does not break the call; it is reported and the hooks say (unknown user)', async () => {
    const events: WebHookErrorEvent[] = []
    const logged: unknown[] = []
    const { rx, call } = await wrap(async () => 'ok', {
      user: () => {
        throw new Error('no session')
      },
      onError: (event: WebHookErrorEvent) => events.push(event),
      logger: { warn() {}, error: (message: string) => logged.push(message) },
    })
    expect(await call('vm.start', {})).toBe('ok')
    const [pre] = await rx.waitFor(2)
    expect(pre!.json).not.toHaveProperty('userId')
    expect(pre!.json.userName).toBe('(unknown user)')
    expect(events).toHaveLength(1)
    expect(events[0]!.error).toBeInstanceOf(WebHookUserError)
    expect(events[0]!.error.message).toContain('no session')
    expect(logged).toEqual(['web hook user() failed'])
  })

  it('a rejecting user() does not break the call either', async () => {
    const { call } = await wrap(async () => 'ok', { user: () => Promise.reject(new Error('db down')) })
    expect(await call('vm.start', {})).toBe('ok')
  })

  it('post and plain pre hooks never wait for an async user(): the call ends first, the hooks follow it', async () => {
    let resolveUser!: (user: { id: string }) => void
    const user = new Promise<{ id: string }>(resolve => (resolveUser = resolve))
    const { rx, call } = await wrap(async () => 'ok', { user: () => user })
    // The user is still unknown: the call is not held back by it.
    expect(await call('vm.start', {})).toBe('ok')
    expect(rx.requests).toEqual([])
    resolveUser({ id: 'late' })
    const [pre, post] = await rx.waitFor(2)
    expect([pre!.json.type, pre!.json.userId, post!.json.type, post!.json.userId]).toEqual([
      'pre',
      'late',
      'post',
      'late',
    ])
    expect(post!.json.timestamp - pre!.json.timestamp).toBe(post!.json.duration)
  })

  it('a user() that never settles: waiting pre hooks wait for it up to their timeout, then (unknown user)', async () => {
    const rx = await receiver()
    const events: WebHookErrorEvent[] = []
    const call = track(
      withWebHooks(async () => 'ok', {
        hooks: [
          { method: 'vm.start', type: 'pre/post', url: `${rx.url}/wait`, waitForResponse: true, timeout: 100 },
          { method: 'vm.stop', type: 'post', url: `${rx.url}/post`, timeout: 100 },
        ],
        retry: false,
        user: () => new Promise(() => {}),
        onError: event => events.push(event),
      })
    )
    expect(await call('vm.start', {})).toBe('ok')
    expect(await call('vm.stop', {})).toBe('ok')
    const requests = await rx.waitFor(3)
    expect(requests.map(request => [request.url, request.json.type, request.json.userName]).sort()).toEqual([
      ['/post', 'post', '(unknown user)'],
      ['/wait', 'post', '(unknown user)'],
      ['/wait', 'pre', '(unknown user)'],
    ])
    expect(events.map(event => [event.method, event.error.code])).toEqual([
      ['vm.start', 'ERR_WEB_HOOK_USER'],
      ['vm.stop', 'ERR_WEB_HOOK_USER'],
    ])
    expect(events[0]!.error.message).toMatch(/did not settle within 100 ms/)
  })
})

describe('failures are reported, never thrown', () => {
  it('onError is called for a failed post delivery and nothing is unhandled', async () => {
    const rx = await receiver(() => ({ status: 500 }))
    const events: WebHookErrorEvent[] = []
    let resolve!: () => void
    const reported = new Promise<void>(r => (resolve = r))
    const call = track(
      withWebHooks(async () => 'ok', {
        hooks: [{ method: 'vm.start', type: 'post', url: rx.url, format: 'json' }],
        retry: false,
        onError: event => {
          events.push(event)
          resolve()
        },
      })
    )
    expect(await call('vm.start', {})).toBe('ok')
    await reported
    expect(events[0]).toMatchObject({ method: 'vm.start', type: 'post', url: `${rx.url}/` })
    expect(events[0]!.deliveryId).toMatch(/^msg_/)
  })

  it('an onError that throws changes nothing', async () => {
    const rx = await receiver(() => ({ status: 500 }))
    const call = track(
      withWebHooks(async () => 'ok', {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json', waitForResponse: true }],
        retry: false,
        onError: () => {
          throw new Error('bad handler')
        },
      })
    )
    expect(await call('vm.start', {})).toBe('ok')
  })
})

describe('passing through', () => {
  it('passes this and every argument on to the dispatcher', async () => {
    const rx = await receiver()
    const api = {
      prefix: 'api',
      call: withWebHooks(
        function (this: { prefix: string }, method: string, params: unknown, context: unknown) {
          return [this.prefix, method, params, context]
        },
        { hooks: [{ method: 'vm.start', type: 'post', url: rx.url, format: 'json' }] }
      ),
    }
    track(api.call)
    expect(await api.call('vm.start', 1, 'ctx')).toEqual(['api', 'vm.start', 1, 'ctx'])
    expect(await api.call('vm.stop', 2, 'ctx')).toEqual(['api', 'vm.stop', 2, 'ctx'])
  })

  it('passes exactly as many arguments as given, hooked or not, with or without user()', async () => {
    const rx = await receiver()
    const hooks = [{ method: 'vm.start', type: 'pre/post' as const, url: rx.url, format: 'json' as const }]
    function dispatcher(...args: unknown[]) {
      return args
    }
    const plain = withWebHooks(dispatcher as (method: string, params?: unknown, context?: unknown) => unknown, {
      hooks,
    })
    const withUser = withWebHooks(dispatcher as (method: string, params?: unknown, context?: unknown) => unknown, {
      hooks,
      user: () => ({ id: 'u1' }),
    })
    track(plain)
    track(withUser)
    const many = plain as unknown as (...args: unknown[]) => Promise<unknown[]>
    const manyWithUser = withUser as unknown as (...args: unknown[]) => Promise<unknown[]>
    for (const call of [many, manyWithUser]) {
      for (const method of ['vm.start', 'vm.stop']) {
        expect(await call(method)).toEqual([method])
        expect(await call(method, 1)).toEqual([method, 1])
        expect(await call(method, 1, undefined)).toHaveLength(3)
        expect(await call(method, 1, 'ctx', 'four', 5)).toEqual([method, 1, 'ctx', 'four', 5])
      }
    }
    // Four hooked calls per wrapper, a pre and a post each.
    await rx.waitFor(16)
  })

  it('does not call user() for an unmatched method', async () => {
    let calls = 0
    const { call } = await wrap(async () => 'ok', {
      user: () => {
        calls++
        return {}
      },
    })
    await call('vm.stop', {})
    expect(calls).toBe(0)
    await call('vm.start', {})
    expect(calls).toBe(1)
  })

  it('sends custom headers, top-level and per hook merged', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json', headers: { 'X-Hook': 'h' } }],
        headers: { Authorization: 'Bearer t', 'x-hook': 'top' },
      })
    )
    await call('vm.start')
    const [request] = await rx.waitFor(1)
    expect(request!.headers.authorization).toBe('Bearer t')
    expect(request!.headers['x-hook']).toBe('h')
  })
})

describe('URL credentials', () => {
  it('are never shown in onError events or veto errors', async () => {
    const rx = await receiver(() => ({ status: 403, body: '{"reason":"no"}' }))
    const events: WebHookErrorEvent[] = []
    const url = rx.url.replace('http://', 'http://user:hunter2@')
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [
          { method: 'vm.delete', type: 'pre', url: `${url}/gate`, format: 'json', veto: true },
          { method: 'vm.start', type: 'post', url: `${url}/post`, format: 'json' },
        ],
        retry: false,
        onError: event => events.push(event),
      })
    )
    const veto = await call('vm.delete', {}).catch(e => e)
    expect(veto.url).toBe(`${rx.url}/gate`)
    expect(veto.message).not.toContain('hunter2')
    await call('vm.start', {})
    await rx.waitFor(2)
    await call.webHooks.close()
    expect(events.length).toBeGreaterThan(0)
    for (const event of events)
      expect(JSON.stringify({ ...event, error: event.error.message })).not.toContain('hunter2')
  })
})
