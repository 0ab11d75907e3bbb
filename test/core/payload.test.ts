import { describe, expect, it } from 'vitest'
import { withWebHooks } from '../../src/index.js'
import { receiver, track } from './setup.js'

const api = {
  'vm.start': (params: { id: string }) => ({ started: params.id }),
  'vm.stop': () => undefined,
  'vm.fail': () => {
    throw Object.assign(new Error('no such VM'), { code: 'NO_SUCH_OBJECT', data: { id: 'x' }, extra: 42 })
  },
}
type Method = keyof typeof api

const connection = { userId: 'u1', userName: 'admin@example', ip: '10.0.0.1' }

function setup(url: string, hook: object = {}, options: object = {}) {
  return track(
    withWebHooks(async (method: string, params: any, _conn: typeof connection) => api[method as Method](params), {
      hooks: [{ method: 'vm.start', type: 'pre/post', url, format: 'json', ...hook }],
      user: conn => ({ id: conn.userId, name: conn.userName, ip: conn.ip }),
      retry: false,
      ...options,
    })
  )
}

describe('payload fields', () => {
  it('pre and post of a successful call carry every XO field', async () => {
    const rx = await receiver()
    const call = setup(rx.url)
    const before = Date.now()
    expect(await call('vm.start', { id: 'vm1' }, connection)).toEqual({ started: 'vm1' })
    const [pre, post] = (await rx.waitFor(2)).map(r => r.json)
    expect(pre).toEqual({
      type: 'pre',
      callId: expect.any(String),
      userId: 'u1',
      userName: 'admin@example',
      userIp: '10.0.0.1',
      method: 'vm.start',
      params: { id: 'vm1' },
      timestamp: expect.any(Number),
    })
    expect(post).toEqual({
      type: 'post',
      callId: pre.callId,
      userId: 'u1',
      userName: 'admin@example',
      userIp: '10.0.0.1',
      method: 'vm.start',
      params: { id: 'vm1' },
      timestamp: expect.any(Number),
      duration: post.timestamp - pre.timestamp,
      result: { started: 'vm1' },
    })
    expect(pre.timestamp).toBeGreaterThanOrEqual(before)
    expect(post.timestamp).toBeGreaterThanOrEqual(pre.timestamp)
    expect(pre.callId).toMatch(/^[\w-]{21}$/)
  })

  it('every request is a JSON POST with the webhook-id header', async () => {
    const rx = await receiver()
    const call = setup(rx.url, { type: 'pre' })
    await call('vm.start', { id: 'a' }, connection)
    const [request] = await rx.waitFor(1)
    expect(request?.method).toBe('POST')
    expect(request?.headers['content-type']).toMatch(/^application\/json/)
    expect(request?.headers['webhook-id']).toMatch(/^msg_/)
  })

  it('separate pre and post hooks each get only their event', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async (method: string) => method, {
        hooks: [
          { method: 'vm.start', type: 'pre', url: `${rx.url}/pre`, format: 'json' },
          { method: 'vm.start', type: 'post', url: `${rx.url}/post`, format: 'json' },
        ],
      })
    )
    await call('vm.start')
    const requests = await rx.waitFor(2)
    const byUrl = Object.fromEntries(requests.map(r => [r.url, r.json.type]))
    expect(byUrl).toEqual({ '/pre': 'pre', '/post': 'post' })
  })

  it('a method that returned undefined is reported with result: true', async () => {
    const rx = await receiver()
    const call = setup(rx.url, { method: 'vm.stop', type: 'post' })
    expect(await call('vm.stop', {}, connection)).toBeUndefined()
    const [post] = await rx.waitFor(1)
    expect(post?.json.result).toBe(true)
  })

  it('a failed call is reported with the serialised error and rethrown untouched', async () => {
    const rx = await receiver()
    const call = setup(rx.url, { method: 'vm.fail', type: 'post' })
    const error = await call('vm.fail', { id: 'x' }, connection).catch(e => e)
    expect(error.message).toBe('no such VM')
    expect(error.code).toBe('NO_SUCH_OBJECT')
    const [post] = await rx.waitFor(1)
    expect(post?.json.error).toEqual({
      name: 'Error',
      message: 'no such VM',
      code: 'NO_SUCH_OBJECT',
      data: { id: 'x' },
      extra: 42,
    })
    expect(post?.json).not.toHaveProperty('result')
  })

  it('sends the stack only with includeErrorStack', async () => {
    const rx = await receiver()
    const call = setup(rx.url, { method: 'vm.fail', type: 'post' }, { includeErrorStack: true })
    await call('vm.fail', {}, connection).catch(() => {})
    const [post] = await rx.waitFor(1)
    expect(post?.json.error.stack).toContain('no such VM')
  })

  it('absent user fields are absent, not null', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }],
        user: () => ({ name: 'only-name' }),
      })
    )
    await call('vm.start', undefined)
    const [pre] = await rx.waitFor(1)
    expect(Object.keys(pre?.json).sort()).toEqual(['callId', 'method', 'params', 'timestamp', 'type', 'userName'])
    // no params: {} as XO's dispatcher defaults them
    expect(pre?.json.params).toEqual({})
  })
})

describe('office365 format', () => {
  it('renders XO MessageCards for pre and post', async () => {
    const rx = await receiver()
    const call = setup(rx.url, { format: 'office365' })
    await call('vm.start', { id: 'vm1' }, connection)
    const [pre, post] = (await rx.waitFor(2)).map(r => r.json)
    expect(pre).toEqual({
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      themeColor: '6B63BF',
      summary: 'New notification from the Xen-Orchestra webhook plugin',
      sections: [
        {
          title: 'XO PRE notification',
          facts: [
            { name: 'callId', value: expect.any(String) },
            { name: 'userId', value: 'u1' },
            { name: 'userName', value: 'admin@example' },
            { name: 'userIp', value: '10.0.0.1' },
            { name: 'method', value: 'vm.start' },
            { name: 'params', value: '{"id":"vm1"}' },
            { name: 'timestamp', value: expect.stringMatching(/^\d+$/) },
          ],
        },
      ],
    })
    expect(post.sections[0].title).toBe('XO POST notification')
    const facts = Object.fromEntries(post.sections[0].facts.map((f: any) => [f.name, f.value]))
    expect(facts.result).toBe('{"started":"vm1"}')
    expect(facts.duration).toMatch(/^\d+$/)
    expect(facts).not.toHaveProperty('type')
  })
})
