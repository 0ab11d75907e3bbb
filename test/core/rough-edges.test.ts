/**
 * Issue #12 item 19, the smaller rough edges, through the public API over real loopback servers: messages that say
 * one thing once, a `user()` name that is not a string, `receiver.handle` without headers.
 */
import { describe, expect, it } from 'vitest'
import { type WebHookErrorEvent, WebHookTestError, withWebHooks } from '../../src/index.js'
import { createReceiver, verifyWebHook } from '../../src/receiver/index.js'
import { post, SECRET } from '../receiver/helpers/server.js'
import { receiver, track } from './setup.js'

async function firstFailure(status: number) {
  const rx = await receiver(() => ({ status }))
  let report: (event: WebHookErrorEvent) => void = () => {}
  const failed = new Promise<WebHookErrorEvent>(resolve => {
    report = resolve
  })
  const call = track(
    withWebHooks(async () => 1, {
      hooks: [{ method: 'vm.start', type: 'post', url: rx.url }],
      retry: false,
      onError: event => report(event),
    })
  )
  await call('vm.start', {})
  return failed
}

describe('rough edges (item 12.19)', () => {
  it('a 410 says "410 Gone" once', async () => {
    const { error } = await firstFailure(410)
    expect(error.message.match(/410 Gone/g)).toHaveLength(1)
    expect(error.message).toContain('nothing more is sent to this URL')
  })

  it('a test refused by safeUrls does not advise checking that the endpoint is up', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, { hooks: [{ method: 'vm.start', type: 'pre', url: rx.url }], safeUrls: true })
    )
    const error = await call.webHooks.test().then(
      () => undefined,
      (caught: unknown) => caught
    )
    expect(error).toBeInstanceOf(WebHookTestError)
    expect((error as Error).message).not.toContain('endpoint is up')
    expect((error as Error).message).toContain('safeUrls.allow')
    expect(rx.requests).toHaveLength(0)
  })

  it('a user() name that is not a string is left out, not sent as "[object Object]"', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url }],
        user: () => ({ id: 42 as never, name: { first: 'Ada' } as never }),
      })
    )
    await call('vm.start', {})
    const [pre] = await rx.waitFor(1)
    expect(pre!.json.userId).toBe('42')
    expect(pre!.json).not.toHaveProperty('userName')
    expect(pre!.body).not.toContain('[object Object]')
  })

  it('receiver.handle({ body }) without headers answers with a code instead of a TypeError', async () => {
    const receiver = createReceiver()
    const response = await receiver.handle({ body: JSON.stringify(post()) } as never)
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(JSON.parse(response.body as string).error).toMatch(/^ERR_WEB_HOOK_/)
    // With headers it still works.
    const ok = await receiver.handle({ body: JSON.stringify(post()), headers: { 'content-type': 'application/json' } })
    expect(ok.status).toBe(204)
  })

  it('type errors name undefined and objects in English ("got undefined", "got an object")', () => {
    for (const [config, expected] of [
      [
        { hooks: [{ method: 'vm.start', type: 'pre', url: 'https://hooks.example/', exclude: [undefined] }] },
        'got undefined',
      ],
      [{ hooks: [], includeErrorStack: {} }, 'got an object'],
    ] as const) {
      expect(() => withWebHooks(async () => 1, config as never)).toThrow(expected)
    }
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
    }
    expect(() => verifyWebHook({} as never, headers, SECRET)).toThrow('got an object: a body parser')
  })
})
