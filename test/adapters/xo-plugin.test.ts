/**
 * The XO plugin (`rpc-web-hooks/xo`) in a stand-in XO (EventEmitter + XO's awaiting emit) with real receivers.
 */
import { Ajv } from 'ajv'
import { afterEach, describe, expect, it, vi } from 'vitest'
import createPlugin, {
  configurationSchema,
  testSchema,
  toWebHooksConfig,
  type XoPluginConfiguration,
} from '../../src/adapters/xo/index.js'
import { omittedFields } from '../../src/adapters/xo/schema.js'
import { configurationSchema as genericSchema, createWebHooks, WebHookConfigError } from '../../src/index.js'
import { onCleanup, receiver } from '../core/setup.js'
import { FakeXo } from './helpers/fake-xo.js'
import { validate } from './helpers/mini-ajv.js'

const EVENTS = ['xo:preCall', 'xo:postCall', 'backup:preCall', 'backup:postCall'] as const

afterEach(() => {
  logged = []
})

function newXo() {
  return new FakeXo({
    'vm.start': () => undefined,
    'vm.stop': () => 'stopped',
    'vm.stats': () => ({ cpu: 1 }),
    'vm.delete': () => {
      throw Object.assign(new Error('no such VM'), { code: 'NO_SUCH_OBJECT' })
    },
    'host.restart': () => true,
    'backupNg.runJob': () => true,
  })
}

/** What the plugins logged: [level, message, context]. */
let logged: Array<[string, string, any]> = []
const logger = {
  warn: (message: string, context?: object) => logged.push(['warn', message, context]),
  error: (message: string, context?: object) => logged.push(['error', message, context]),
}

function plugin(xo: FakeXo, configuration?: XoPluginConfiguration) {
  const instance = createPlugin({ xo, logger })
  onCleanup(async () => {
    instance.unload()
    await instance.webHooks?.close({ timeout: 500 })
  })
  if (configuration !== undefined) instance.configure(configuration)
  return instance
}

const alice = { user_id: 'u1', user_name: 'alice@example.com', user_ip: '10.0.0.7' }

describe('XO plugin: events', () => {
  it('sends pre and post for xo:preCall / xo:postCall with XO payloads', async () => {
    const xo = newXo()
    const hooks = await receiver()
    plugin(xo, { hooks: [{ method: 'vm.start', type: 'pre/post', url: hooks.url, format: 'json' }] }).load()

    await xo.callApiMethod(alice, 'vm.start', { id: 'vm-1', password: 'hunter2' })
    const [pre, post] = await hooks.waitFor(2)
    const byType = Object.fromEntries([pre, post].map(request => [request!.json.type, request!.json]))
    expect(byType.pre).toMatchObject({
      type: 'pre',
      userId: 'u1',
      userName: 'alice@example.com',
      userIp: '10.0.0.7',
      method: 'vm.start',
      params: { id: 'vm-1', password: '* obfuscated *' },
    })
    expect(byType.post).toMatchObject({ type: 'post', method: 'vm.start', result: true, callId: byType.pre.callId })
    expect(typeof byType.post.duration).toBe('number')
    expect(pre!.headers['content-type']).toBe('application/json')
  })

  it('reports a failed call as post error (with the stack, as XO does)', async () => {
    const xo = newXo()
    const hooks = await receiver()
    plugin(xo, { hooks: [{ method: 'vm.delete', type: 'post', url: hooks.url, format: 'json' }] }).load()
    await expect(xo.callApiMethod(alice, 'vm.delete', { id: 'x' })).rejects.toThrow('no such VM')
    const [post] = await hooks.waitFor(1)
    expect(post!.json.error).toMatchObject({ message: 'no such VM', code: 'NO_SUCH_OBJECT', name: 'Error' })
    expect(post!.json.error.stack).toContain('no such VM')
  })

  it('sends backup:preCall / backup:postCall (backupNg.runJob)', async () => {
    const xo = newXo()
    const hooks = await receiver()
    plugin(xo, { hooks: [{ method: 'backupNg.runJob', type: 'pre/post', url: hooks.url, format: 'json' }] }).load()
    await xo.runBackupJob({ id: 'job-1', owner: 'u9', ownerName: 'backup-admin' })
    await xo.runBackupJob({ id: 'job-2', owner: 'u9', ownerName: 'backup-admin', fail: true })
    const requests = await hooks.waitFor(4)
    const posts = requests.map(request => request.json).filter(json => json.type === 'post')
    expect(posts).toHaveLength(2)
    expect(posts.find(json => json.params.id === 'job-1')).toMatchObject({ result: true, userId: 'u9' })
    expect(posts.find(json => json.params.id === 'job-2').error).toMatchObject({ message: 'backup failed' })
  })

  it('waitForResponse: the awaited xo:preCall does not finish before the hook answered', async () => {
    const xo = newXo()
    let open!: () => void
    const gate = new Promise<void>(resolve => {
      open = resolve
    })
    const hooks = await receiver(async () => {
      await gate
      return { status: 200 }
    })
    let ran = false
    xo.apiMethods['vm.start'] = () => {
      ran = true
    }
    plugin(xo, {
      hooks: [{ method: 'vm.start', type: 'pre', url: hooks.url, format: 'json', waitForResponse: true }],
    }).load()
    const call = xo.callApiMethod(alice, 'vm.start', { id: 'vm-1' })
    await hooks.waitFor(1)
    await new Promise(resolve => setTimeout(resolve, 30))
    expect(ran).toBe(false)
    open()
    await call
    expect(ran).toBe(true)
  })

  it('without waitForResponse the call does not wait', async () => {
    const xo = newXo()
    let open!: () => void
    const gate = new Promise<void>(resolve => {
      open = resolve
    })
    const hooks = await receiver(async () => {
      await gate
      return { status: 200 }
    })
    plugin(xo, { hooks: [{ method: 'vm.stop', type: 'pre', url: hooks.url, format: 'json' }] }).load()
    // The hook is still unanswered (its receiver waits for the gate) and the call is already done.
    await expect(xo.callApiMethod(alice, 'vm.stop')).resolves.toBe('stopped')
    open()
    await hooks.waitFor(1)
  })

  it('a veto cannot stop an XO call through the plugin: XO logs the refusal and goes on', async () => {
    const xo = newXo()
    const hooks = await receiver(() => ({ status: 403, body: '{"reason":"protected"}' }))
    let ran = false
    xo.apiMethods['vm.start'] = () => {
      ran = true
    }
    plugin(xo, { hooks: [{ method: 'vm.start', type: 'pre', url: hooks.url, format: 'json', veto: true }] }).load()
    await xo.callApiMethod(alice, 'vm.start', { id: 'vm-1' })
    expect(ran).toBe(true)
    expect(xo.loggedErrors).toHaveLength(1)
    expect(xo.loggedErrors[0]).toMatchObject({ name: 'WebHookVetoError', code: 'ERR_WEB_HOOK_VETOED', status: 403 })
  })
})

describe('XO plugin: lifecycle', () => {
  it('configure before load works; configure while loaded swaps the hooks', async () => {
    const xo = newXo()
    const first = await receiver()
    const second = await receiver()
    const instance = plugin(xo, { hooks: [{ method: 'vm.stop', type: 'post', url: first.url, format: 'json' }] })
    instance.load()
    await xo.callApiMethod(alice, 'vm.stop')
    await first.waitFor(1)

    instance.configure({ hooks: [{ method: 'vm.stop', type: 'post', url: second.url, format: 'json' }] })
    await xo.callApiMethod(alice, 'vm.stop')
    const [post] = await second.waitFor(1)
    expect(post!.json.result).toBe('stopped')
    expect(first.requests).toHaveLength(1)
  })

  it('an invalid configuration throws a WebHookConfigError and keeps the previous hooks', async () => {
    const xo = newXo()
    const hooks = await receiver()
    const instance = plugin(xo, { hooks: [{ method: 'vm.stop', type: 'post', url: hooks.url, format: 'json' }] })
    instance.load()
    expect(() =>
      instance.configure({ hooks: [{ method: 'vm.stop', type: 'post', url: hooks.url, format: 'json', timeout: 0 }] })
    ).toThrow(WebHookConfigError)
    expect(() =>
      instance.configure({ hooks: [{ method: 'vm.stop', type: 'during' as 'pre', url: hooks.url }] })
    ).toThrow(/hooks\[0\]\.type/)
    await xo.callApiMethod(alice, 'vm.stop')
    await hooks.waitFor(1)
  })

  it('a failed delivery is logged as XO logs it ("web hook failed") and never reaches the call', async () => {
    const xo = newXo()
    const hooks = await receiver(() => ({ status: 500 }))
    plugin(xo, { hooks: [{ method: 'vm.stop', type: 'pre/post', url: hooks.url, format: 'json', retries: 0 }] }).load()
    await expect(xo.callApiMethod(alice, 'vm.stop')).resolves.toBe('stopped')
    await hooks.waitFor(2)
    await vi.waitFor(() => expect(logged.filter(([, message]) => message === 'web hook failed')).toHaveLength(2))
    expect(logged[0]![0]).toBe('error')
    expect(xo.loggedErrors).toEqual([])
  })

  it('unload removes exactly its four listeners; others stay; load again works', async () => {
    const xo = newXo()
    const hooks = await receiver()
    const other = () => {}
    for (const event of EVENTS) xo.on(event, other)
    const instance = plugin(xo, { hooks: [{ method: 'vm.stop', type: 'pre/post', url: hooks.url, format: 'json' }] })
    instance.load()
    instance.load() // twice: still one listener per event
    for (const event of EVENTS) expect(xo.listenerCount(event)).toBe(2)
    instance.unload()
    for (const event of EVENTS) expect(xo.listeners(event)).toEqual([other])

    await xo.callApiMethod(alice, 'vm.stop')
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(hooks.requests).toHaveLength(0)

    instance.load()
    await xo.callApiMethod(alice, 'vm.stop')
    await hooks.waitFor(2)
  })

  it('delivery goes through the engine: a failed hook is retried with the same webhook-id', async () => {
    const xo = newXo()
    const hooks = await receiver((_request, index) => ({ status: index === 0 ? 503 : 200 }))
    const instance = plugin(xo, { hooks: [{ method: 'vm.stop', type: 'post', url: hooks.url, format: 'json' }] })
    instance.load()
    // The XO form's `retries` uses the default backoff (1 s first); a short schedule keeps the test fast.
    instance.webHooks!.configure({
      hooks: [{ method: 'vm.stop', type: 'post', url: hooks.url, retry: { schedule: [10] } }],
    })
    await xo.callApiMethod(alice, 'vm.stop')
    const [first, second] = await hooks.waitFor(2)
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id'])
    expect(instance.webHooks!.stats()).toBeDefined()
  })

  it('translates the form fields: headers list, retries count', () => {
    expect(
      toWebHooksConfig({
        hooks: [
          {
            method: 'vm.*',
            type: 'pre',
            url: 'https://h.example/',
            headers: [{ name: 'Authorization', value: 'Bearer x' }],
            retries: 0,
          },
          { method: 'vm.start', type: 'post', url: 'https://h.example/', retries: 3 },
        ],
        includeErrorStack: false,
      })
    ).toEqual({
      hooks: [
        {
          method: 'vm.*',
          type: 'pre',
          url: 'https://h.example/',
          headers: { Authorization: 'Bearer x' },
          retry: false,
        },
        { method: 'vm.start', type: 'post', url: 'https://h.example/', retry: { retries: 3 } },
      ],
      includeErrorStack: false,
      redirects: 5,
    })
  })

  it('signs with the hook secret and sends its headers', async () => {
    const xo = newXo()
    const hooks = await receiver()
    plugin(xo, {
      hooks: [
        {
          method: 'vm.stop',
          type: 'post',
          url: hooks.url,
          format: 'json',
          secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          headers: [{ name: 'Authorization', value: 'Bearer t0k3n' }],
        },
      ],
    }).load()
    await xo.callApiMethod(alice, 'vm.stop')
    const [post] = await hooks.waitFor(1)
    expect(post!.headers['webhook-signature']).toMatch(/^v1,/)
    expect(post!.headers.authorization).toBe('Bearer t0k3n')
  })
})

describe('XO plugin: test()', () => {
  it('with a URL: XO 0.4.0 test, a sample vm.start pre and post to it', async () => {
    const xo = newXo()
    const hooks = await receiver()
    const instance = plugin(xo, { hooks: [] })
    await instance.test({ url: hooks.url, format: 'json' })
    const bodies = hooks.requests.map(request => request.json).sort((a, b) => a.type.localeCompare(b.type))
    expect(bodies.map(body => body.type)).toEqual(['post', 'pre'])
    for (const body of bodies) {
      expect(body).toMatchObject({
        callId: '0',
        userId: 'b4tm4n',
        userName: 'bruce.wayne@waynecorp.com',
        method: 'vm.start',
      })
    }
  })

  it('with a URL and office365: MessageCards', async () => {
    const hooks = await receiver()
    await plugin(newXo(), { hooks: [] }).test({ url: hooks.url, format: 'office365' })
    expect(hooks.requests.map(request => request.json['@type'])).toEqual(['MessageCard', 'MessageCard'])
  })

  it('without a URL: every configured hook, and the first failure rejects', async () => {
    const xo = newXo()
    const ok = await receiver()
    const down = await receiver(() => ({ status: 500 }))
    const instance = plugin(xo, {
      hooks: [
        { method: 'vm.start', type: 'pre/post', url: ok.url, format: 'json' },
        { method: 'vm.stop', type: 'post', url: ok.url, format: 'office365' },
      ],
    })
    await instance.test({ format: 'json' })
    expect(ok.requests).toHaveLength(3)

    instance.configure({
      hooks: [{ method: 'vm.start', type: 'pre', url: down.url, format: 'json', retries: 0 }],
    })
    await expect(instance.test({})).rejects.toMatchObject({
      name: 'WebHookTestError',
      code: 'ERR_WEB_HOOK_TEST_FAILED',
    })
  })

  it('without a URL and not configured: a clear error', async () => {
    await expect(plugin(newXo()).test({})).rejects.toThrow(/not configured/)
  })

  it('a bad test URL: a WebHookConfigError', async () => {
    await expect(plugin(newXo(), { hooks: [] }).test({ url: 'not a url' })).rejects.toBeInstanceOf(WebHookConfigError)
  })
})

describe('XO plugin: schema and stored XO configurations', () => {
  it('is built from the generic schema: each generic field is in it, or left out with a reason', () => {
    const schema = configurationSchema({ xo: newXo() }) as any
    const omitted = omittedFields()
    const hook = schema.properties.hooks.items.properties
    for (const key of Object.keys(genericSchema.properties.hooks.items.properties)) {
      expect(key in hook || typeof omitted[`hooks[].${key}`] === 'string', `hooks[].${key}`).toBe(true)
    }
    for (const key of Object.keys(genericSchema.properties)) {
      expect(key in schema.properties || typeof omitted[key] === 'string', key).toBe(true)
    }
    // The shared fields are the generic ones, word for word.
    for (const key of ['type', 'url', 'waitForResponse'] as const) {
      expect(hook[key]).toEqual(genericSchema.properties.hooks.items.properties[key])
    }
    expect(schema.properties.includeErrorStack.default).toBe(true)
  })

  it('lists the API methods, sorted, as suggestions and as the enum branch', () => {
    const xo = newXo()
    const schema = configurationSchema({ xo }) as any
    const method = schema.properties.hooks.items.properties.method
    const sorted = Object.keys(xo.apiMethods).sort()
    expect(method.anyOf[0].enum).toEqual(sorted)
    expect(method.type).toBe('string')
    expect(schema.required).toEqual(['hooks'])
    expect(schema.properties.hooks.items.required).toEqual(['method', 'type', 'url', 'format'])
    expect(schema.properties.hooks.items.properties.format).toMatchObject({
      default: 'json',
      enum: ['json', 'office365'],
      enumNames: ['JSON', 'Office 365 connector'],
    })
  })

  it('validates a stored XO 0.4.0 configuration as is, and one without format gets json', () => {
    const schema = configurationSchema({ xo: newXo() })
    const stored = {
      hooks: [
        {
          method: 'vm.start',
          type: 'pre/post',
          url: 'https://hooks.example/xo',
          format: 'json',
          waitForResponse: false,
        },
      ],
    }
    expect(validate(schema, stored)).toEqual([])
    const old: any = { hooks: [{ method: 'vm.start', type: 'pre', url: 'https://hooks.example/xo' }] }
    expect(validate(schema, old)).toEqual([])
    expect(old.hooks[0].format).toBe('json')
  })

  it('accepts patterns and our fields; refuses unknown methods and bad values', () => {
    const schema = configurationSchema({ xo: newXo() })
    const ours = {
      hooks: [
        {
          method: 'vm.*',
          exclude: ['vm.stats'],
          type: 'pre',
          url: 'https://hooks.example/xo',
          format: 'json',
          veto: true,
          secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          headers: [{ name: 'authorization', value: 'Bearer x' }],
          retries: 3,
        },
        { method: '*', type: 'post', url: 'https://hooks.example/all', format: 'office365' },
      ],
    }
    expect(validate(schema, ours)).toEqual([])
    expect(validate(schema, { hooks: [{ method: 'vm.nope', type: 'pre', url: 'u', format: 'json' }] })).not.toEqual([])
    expect(validate(schema, { hooks: [{ method: 'vm.start', type: 'x', url: 'u', format: 'json' }] })).not.toEqual([])
    expect(validate(schema, { hooks: [{ method: 'vm.start', type: 'pre', url: 'u', format: 'xml' }] })).not.toEqual([])
  })

  it('the stored XO configuration works as is (with and without format)', async () => {
    const xo = newXo()
    const hooks = await receiver()
    plugin(xo, {
      hooks: [
        { method: 'vm.start', type: 'pre/post', url: hooks.url, format: 'json', waitForResponse: false },
        { method: 'vm.stop', type: 'pre', url: hooks.url } as any,
      ],
    }).load()
    await xo.callApiMethod(alice, 'vm.start', { id: 'a' })
    await xo.callApiMethod(alice, 'vm.stop', { id: 'b' })
    const requests = await hooks.waitFor(3)
    expect(requests.map(request => `${request.json.method} ${request.json.type}`).sort()).toEqual([
      'vm.start post',
      'vm.start pre',
      'vm.stop pre',
    ])
  })

  it("compiles in XO's Ajv (strict, useDefaults) without an unknown-keyword notice, and validates as it", () => {
    const notices: string[] = []
    const log = (...args: unknown[]) => notices.push(args.map(String).join(' '))
    // xo-server's Ajv: strict mode logs unknown keywords; XO's own plugin schemas use `enumNames` and `$type`.
    const ajv = new Ajv({ strict: 'log', useDefaults: true, allErrors: true, logger: { log, warn: log, error: log } })
    ajv.addKeyword('enumNames').addKeyword('$type')
    const check = ajv.compile(configurationSchema({ xo: newXo() }))
    ajv.compile(testSchema)
    expect(notices).toEqual([])
    const stored: any = { hooks: [{ method: 'vm.start', type: 'pre', url: 'https://hooks.example/xo' }] }
    expect(check(stored)).toBe(true)
    expect(stored.hooks[0].format).toBe('json')
    expect(check({ hooks: [{ method: 'vm.*', type: 'post', url: 'u', format: 'json' }] })).toBe(true)
    expect(check({ hooks: [{ method: 'vm.nope', type: 'pre', url: 'u', format: 'json' }] })).toBe(false)
  })

  it('a stored hook URL without a scheme (accepted by XO) loads: that hook fails alone, logged at load and at each send', async () => {
    const xo = newXo()
    const hooks = await receiver()
    const stored: XoPluginConfiguration = {
      hooks: [
        { method: 'vm.start', type: 'pre', url: 'user:s3cret@hooks.example/xo', format: 'json' },
        { method: 'vm.start', type: 'pre/post', url: hooks.url, format: 'json' },
      ],
    }
    expect(validate(configurationSchema({ xo }), stored)).toEqual([])
    const instance = plugin(xo, stored)
    instance.load()
    expect(logged).toHaveLength(1)
    expect(logged[0]?.[0]).toBe('error')
    expect(logged[0]?.[1]).toMatch(/not usable: its URL is invalid/)
    expect(logged[0]?.[2]).toMatchObject({ method: 'vm.start', url: 'hooks.example/xo' })
    expect(logged[0]?.[2].error).toMatchObject({ code: 'ERR_WEB_HOOK_CONFIG_URL', path: 'hooks[0].url' })
    await xo.callApiMethod(alice, 'vm.start', { id: 'a' })
    await xo.callApiMethod(alice, 'vm.start', { id: 'b' })
    // The other hook keeps working.
    expect((await hooks.waitFor(4)).map(request => request.json.type).sort()).toEqual(['post', 'post', 'pre', 'pre'])
    const failures = logged.filter(([, message]) => message === 'web hook failed')
    expect(failures).toHaveLength(2)
    expect(failures[0]?.[2]).toMatchObject({ method: 'vm.start', type: 'pre', url: 'hooks.example/xo' })
    expect(JSON.stringify(logged.map(([, message, context]) => [message, context, context.error.message]))).not.toMatch(
      /s3cret/
    )
    await expect(instance.test()).rejects.toMatchObject({
      code: 'ERR_WEB_HOOK_TEST_FAILED',
      cause: { code: 'ERR_WEB_HOOK_CONFIG_URL' },
    })
    // The generic library keeps refusing it at configure time.
    expect(() => toWebHooksConfig(stored) && createWebHooks(toWebHooksConfig(stored))).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_CONFIG_URL' })
    )
  })

  it('a stored configuration with every schema field, nulls and a field of its UI loads and delivers', async () => {
    const xo = newXo()
    const hooks = await receiver()
    const stored = {
      hooks: [
        {
          method: 'vm.start',
          type: 'pre/post',
          url: hooks.url,
          format: 'json',
          waitForResponse: null,
          exclude: [],
          secret: null,
          headers: [{ name: 'x-team', value: 'ops' }],
          retries: 2,
          timeout: 5000,
          veto: null,
          failOpen: null,
          someUiField: { x: 1 },
        },
      ],
      includeErrorStack: false,
    }
    expect(() => toWebHooksConfig(stored as never)).not.toThrow()
    expect(Object.keys(toWebHooksConfig(stored as never).hooks[0]!)).not.toContain('someUiField')
    plugin(xo, stored as never).load()
    await xo.callApiMethod(alice, 'vm.start', { id: 'a' })
    const requests = await hooks.waitFor(2)
    expect(requests.map(request => request.headers['x-team'])).toEqual(['ops', 'ops'])
  })

  it('testSchema is our test form (url + format; XO 0.3.x had one, 0.4.0 has none)', () => {
    expect(Object.keys((testSchema as any).properties)).toEqual(['url', 'format'])
    expect(validate(testSchema, {})).toEqual([])
  })

  it('works without apiMethods (an empty list)', () => {
    const schema = configurationSchema({ xo: { on() {}, removeListener() {} } }) as any
    expect(schema.properties.hooks.items.properties.method.anyOf[0].enum).toEqual([])
  })
})

describe('XO plugin: method patterns', () => {
  it('vm.* matches vm methods only, * matches all, exclude removes', async () => {
    const xo = newXo()
    const vm = await receiver()
    const all = await receiver()
    plugin(xo, {
      hooks: [
        { method: 'vm.*', exclude: ['vm.stats'], type: 'post', url: vm.url, format: 'json' },
        { method: '*', exclude: ['vm.*'], type: 'post', url: all.url, format: 'json' },
      ],
    }).load()
    await xo.callApiMethod(alice, 'vm.start')
    await xo.callApiMethod(alice, 'vm.stats')
    await xo.callApiMethod(alice, 'host.restart')
    await xo.runBackupJob({ id: 'job', owner: 'u', ownerName: 'n' })
    await vm.waitFor(1)
    await all.waitFor(2)
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(vm.requests.map(request => request.json.method)).toEqual(['vm.start'])
    expect(all.requests.map(request => request.json.method).sort()).toEqual(['backupNg.runJob', 'host.restart'])
  })

  it('follows redirects as XO does (up to 5; 307/308 keep the POST and its body)', async () => {
    const xo = newXo()
    const hooks = await receiver(request =>
      request.url === '/old' ? { status: 308, headers: { location: '/new' } } : undefined
    )
    plugin(xo, { hooks: [{ method: 'vm.start', type: 'pre', url: `${hooks.url}/old`, format: 'json' }] }).load()
    await xo.callApiMethod(alice, 'vm.start', { id: 'a' })
    const [, moved] = await hooks.waitFor(2)
    expect(moved).toMatchObject({ method: 'POST', url: '/new', json: { method: 'vm.start', params: { id: 'a' } } })
  })

  it("office365 cards: XO's fact order (the backup data's for backups) and valueless facts for undefined fields", async () => {
    const xo = newXo()
    const hooks = await receiver()
    plugin(xo, {
      hooks: [
        { method: 'vm.start', type: 'pre', url: hooks.url, format: 'office365' },
        { method: 'backupNg.runJob', type: 'pre/post', url: hooks.url, format: 'office365' },
      ],
    }).load()
    // An internal call: no signed-in user, no IP (XO's data has the keys, undefined).
    await xo.callApiMethod({ user_id: undefined, user_ip: undefined } as any, 'vm.start', { id: 'a' })
    await xo.runBackupJob({ id: 'job-1', owner: 'u9', ownerName: 'backup-admin' })
    const cards = (await hooks.waitFor(3)).map(request => request.json.sections[0])
    const byTitle = (title: string, method: string) =>
      cards.find(card => card.title === title && card.facts.some((f: any) => f.value === method)).facts
    const internal = byTitle('XO PRE notification', 'vm.start')
    expect(internal.map((f: any) => f.name)).toEqual([
      'callId',
      'userId',
      'userName',
      'userIp',
      'method',
      'params',
      'timestamp',
    ])
    expect(internal[1]).toEqual({ name: 'userId' })
    expect(internal[2]).toEqual({ name: 'userName', value: '(unknown user)' })
    expect(internal[3]).toEqual({ name: 'userIp' })
    const backupPre = byTitle('XO PRE notification', 'backupNg.runJob')
    expect(backupPre.map((f: any) => f.name)).toEqual(['callId', 'method', 'params', 'timestamp', 'userId', 'userName'])
    const backupPost = byTitle('XO POST notification', 'backupNg.runJob')
    expect(backupPost.map((f: any) => f.name)).toEqual([
      'callId',
      'method',
      'params',
      'timestamp',
      'userId',
      'userName',
      'result',
      'duration',
    ])
    expect(backupPost[6]).toEqual({ name: 'result', value: 'true' })
  })

  it('precedence: for one URL the most specific entry fires (exact beats vm.* beats *)', async () => {
    const xo = newXo()
    const hooks = await receiver()
    plugin(xo, {
      hooks: [
        { method: '*', type: 'post', url: hooks.url, format: 'office365' },
        { method: 'vm.*', type: 'post', url: hooks.url, format: 'json' },
        { method: 'vm.stop', type: 'post', url: hooks.url, format: 'json', waitForResponse: false },
      ],
    }).load()
    await xo.callApiMethod(alice, 'vm.stop')
    await xo.callApiMethod(alice, 'vm.start')
    await xo.callApiMethod(alice, 'host.restart')
    const requests = await hooks.waitFor(3)
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(requests).toHaveLength(3)
    const byMethod = Object.fromEntries(
      requests.map(request => [request.json.method ?? 'card', request.json['@type'] ?? request.json.type])
    )
    expect(byMethod).toEqual({ 'vm.stop': 'post', 'vm.start': 'post', card: 'MessageCard' })
  })
})
