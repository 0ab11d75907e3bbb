import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bullmqStore, WebHookStoreError } from '../../src/stores/bullmq/index.js'
import type { ReceivedRequest } from '../helpers/receiver.js'
import { child, exited, freePort, onCleanup, receiver, until, wrap } from './helpers.js'
import { hasRedis, NO_REDIS_MESSAGE, startRedis, type TestRedis } from './redis.js'

if (!hasRedis) console.warn(NO_REDIS_MESSAGE)

let redis: TestRedis | undefined
let queues = 0

beforeAll(async () => {
  if (hasRedis) redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

/** A store on the test Redis with a queue of its own; closed after the test. */
function store(options: { queueName?: string; worker?: boolean } = {}) {
  const created = bullmqStore({
    connection: { host: '127.0.0.1', port: redis!.port },
    queueName: options.queueName ?? `test-${process.pid}-${++queues}`,
    ...(options.worker === undefined ? {} : { worker: options.worker }),
  })
  onCleanup(() => created.close())
  return created
}

const hooks = (url: string) => [
  { method: 'a', type: 'pre' as const, url },
  { method: 'a', type: 'post' as const, url },
]

/** Checks every call's post reached the receiver only after its pre was answered 2xx. */
function expectPreBeforePost(requests: ReceivedRequest[], ok: (index: number) => boolean): void {
  const preDone = new Map<string, number>()
  requests.forEach((request, index) => {
    const { type, callId } = request.json as { type: string; callId: string }
    if (type === 'pre' && ok(index) && !preDone.has(callId)) preDone.set(callId, index)
    if (type === 'post') expect(preDone.get(callId), `post of ${callId} before its pre`).toBeLessThan(index)
  })
}

describe.skipIf(!hasRedis)(
  `bullmqStore (real redis-server on 127.0.0.1)${hasRedis ? '' : ` — ${NO_REDIS_MESSAGE}`}`,
  () => {
    it('two processes on one Redis: every hook delivered once, pre before post per call, retries by BullMQ', async () => {
      // Every 5th request fails with 503: BullMQ retries it (same webhook-id) after the engine's delay.
      const failing = (index: number) => index % 5 === 2
      const server = await receiver((_request, index) => (failing(index) ? { status: 503 } : {}))
      const queueName = `two-${process.pid}-${++queues}`
      const count = 15
      const other = child('bullmq-child', [String(redis!.port), queueName, server.url, String(count), 'child'])
      const call = wrap({
        hooks: hooks(server.url),
        store: store({ queueName }),
        retry: { schedule: [20, 20, 20, 20, 20] },
        breaker: false,
      })
      const retried: string[] = []
      call.webHooks.on('delivery:failed', event => retried.push(event.id))
      for (let i = 0; i < count; i++) await call('a', { tag: 'parent', i })
      await other.line(`enqueued ${count}`)
      const delivered = () =>
        new Set(server.requests.filter((_, index) => !failing(index)).map(r => r.headers['webhook-id']))
      await until(() => delivered().size === 4 * count, `${4 * count} delivered hooks`, 20_000)
      await new Promise(resolve => setTimeout(resolve, 200))
      // Once each: no id answered 2xx twice, and every failed id came back.
      const okIds = server.requests.filter((_, index) => !failing(index)).map(r => r.headers['webhook-id'])
      expect(okIds).toHaveLength(4 * count)
      const tags = server.requests.map(r => (r.json as { params?: { tag: string } }).params?.tag)
      expect(new Set(tags)).toEqual(new Set(['parent', 'child']))
      expectPreBeforePost(server.requests, index => !failing(index))
      expect(server.requests.length).toBeGreaterThan(4 * count)
      other.process.kill('SIGTERM')
      await other.line('closed')
      await exited(other.process)
    })

    it('dead letters are failed jobs: listed, replayed through the engine, and replayed offline', async () => {
      const server = await receiver(() => ({ status: 400 }))
      const shared = store()
      const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], store: shared })
      await call('a', { n: 1 })
      await call('a', { n: 2 })
      await until(() => server.requests.length === 2, 'two refused deliveries')
      await until(async () => (await shared.listDeadLetters()).length === 2, 'two dead letters')
      const letters = await shared.listDeadLetters()
      expect(letters[0]).toMatchObject({ type: 'post', code: 'ERR_WEB_HOOK_DELIVERY_STATUS', status: 400 })
      server.respond(() => ({}))
      expect(await call.webHooks.replay([letters[0]!.id])).toBe(1)
      await server.waitFor(3)
      expect(server.requests[2]!.headers['webhook-id']).toBe(letters[0]!.id)
      expect(await shared.replayDeadLetters()).toEqual([letters[1]!.id])
      await server.waitFor(4)
      expect(server.requests[3]!.headers['webhook-id']).toBe(letters[1]!.id)
      await until(async () => (await shared.listDeadLetters()).length === 0, 'no dead letter left')
    })

    it('a waited hook that fails is dead-lettered in the queue too', async () => {
      const server = await receiver(() => ({ status: 422 }))
      const shared = store()
      const call = wrap({
        hooks: [{ method: 'a', type: 'pre', url: server.url, waitForResponse: true }],
        store: shared,
      })
      await call('a', {})
      await until(async () => (await shared.listDeadLetters()).length === 1, 'the dead letter of the waited hook')
      const [letter] = await shared.listDeadLetters()
      expect(letter).toMatchObject({ type: 'pre', code: 'ERR_WEB_HOOK_DELIVERY_STATUS', status: 422 })
      expect(letter!.id).toBe(server.requests[0]!.headers['webhook-id'])
    })
  }
)

describe('bullmqStore errors', () => {
  it('Redis unreachable: the call is not blocked and a clear error is reported', async () => {
    const port = await freePort()
    const errors: Array<{ message: string; context: object | undefined }> = []
    const logger = { warn() {}, error: (message: string, context?: object) => errors.push({ message, context }) }
    const unreachable = bullmqStore({ connection: { host: '127.0.0.1', port }, enqueueTimeout: 200 })
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: 'http://127.0.0.1:9/' }],
      store: unreachable,
      logger,
    })
    const started = Date.now()
    await call('a', {})
    expect(Date.now() - started).toBeLessThan(150)
    await until(() => errors.length > 0, 'a reported store error', 5000)
    const { error } = errors[0]!.context as { error: WebHookStoreError }
    expect(error).toBeInstanceOf(WebHookStoreError)
    expect(error.code).toBe('ERR_WEB_HOOK_STORE_UNREACHABLE')
    expect(error.message).toMatch(new RegExp(`Redis at 127.0.0.1:${port} .*check that Redis is running`))
    await unreachable.close().catch(() => {})
  })

  it('bad options are a clear WebHookStoreError', () => {
    // @ts-expect-error: connection is required
    expect(() => bullmqStore({})).toThrow(expect.objectContaining({ code: 'ERR_WEB_HOOK_STORE_OPTIONS' }))
    const connection = { host: '127.0.0.1', port: 1, lazyConnect: true }
    expect(() => bullmqStore({ connection, queueName: 'a:b' })).toThrow(/queueName.*without ':'/)
    expect(() => bullmqStore({ connection, concurrency: 0 })).toThrow(/concurrency.*positive integer/)
    // Item 12.10: a misspelt option names the one meant; item 12.9: a duration over Node's timer limit.
    expect(() => bullmqStore({ connection, queuename: 'x' } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_WEB_HOOK_STORE_OPTIONS',
        message: expect.stringContaining('did you mean `queueName`?'),
      })
    )
    expect(() => bullmqStore({ connection, enqueueTimeout: 30 * 86_400_000 })).toThrow(/enqueueTimeout.*2147483647/)
  })
})
