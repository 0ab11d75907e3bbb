import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bullmqStore, WebHookStoreError } from '../../src/stores/bullmq/index.js'
import { child, exited, expectPreBeforePost, freePort, onCleanup, receiver, uniqueIds, until, wrap } from './helpers.js'
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

    it('a worker killed with SIGKILL: the jobs it held are re-sent by another process within ~10 s (defaults)', async () => {
      // The child's worker takes jobs and the receiver never answers them; then the child is killed mid-delivery.
      let holding = true
      const server = await receiver(() => (holding ? { delay: 20_000 } : {}))
      const queueName = `kill-${process.pid}-${++queues}`
      const count = 10
      const shared = store({ queueName })
      const other = child('bullmq-child', [String(redis!.port), queueName, server.url, String(count), 'killed'])
      await other.line(`enqueued ${count}`)
      const jobs = async () => Object.values(await shared.queue.getJobCounts()).reduce((a, b) => a + b, 0)
      // A job holds one delivery or several (a batch job, issue 16): count the deliveries.
      const deliveries = async () =>
        (await shared.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized'])).reduce(
          (sum, job) => sum + (Array.isArray(job.data.deliveries) ? job.data.deliveries.length : 1),
          0
        )
      await until(async () => (await deliveries()) === 2 * count, `${2 * count} deliveries in Redis`)
      await until(async () => ((await shared.queue.getJobCounts('active')).active ?? 0) > 0, 'jobs held by the child')
      const held = (await shared.queue.getJobCounts('active')).active ?? 0
      other.process.kill('SIGKILL')
      await exited(other.process)
      const killedAt = Date.now()
      holding = false
      const before = server.requests.length
      const answered = () => new Set(server.requests.slice(before).map(r => r.headers['webhook-id']))
      wrap({ hooks: hooks(server.url), store: shared, breaker: false })
      // Bounded wait, not a speed assertion: with BullMQ's 30 s lock and stalled check this took a minute or more.
      await until(() => answered().size === 2 * count, `the ${2 * count} hooks after the kill`, 20_000)
      console.info(
        `bullmq SIGKILL: ${held} jobs held by the killed worker, all re-sent ${Date.now() - killedAt} ms after`
      )
      expectPreBeforePost(server.requests.slice(before), () => true)
      // Each job completes once its answer is in (the last ones may still be finishing).
      await until(async () => (await jobs()) === 0, 'every job completed')
    }, 30_000)

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

    it('records the attempts BullMQ runs in webHooks.history() (the one outcome decider feeds it)', async () => {
      const server = await receiver((_request, index) => (index === 0 ? { status: 503 } : {}))
      const call = wrap({
        hooks: [{ method: 'a', type: 'pre', url: server.url }],
        store: store(),
        retry: { schedule: [20] },
        breaker: false,
      })
      await call('a', {})
      await until(() => call.webHooks.history().attempts.length === 2, 'two attempts in the history')
      const { attempts, endpoints } = call.webHooks.history()
      expect(attempts.map(a => [a.outcome, a.attempt, a.status])).toEqual([
        ['delivered', 2, 200],
        ['retry', 1, 503],
      ])
      expect(endpoints[`${server.url}/`]?.last5m).toMatchObject({ delivered: 1, attempts: 2 })
    })
  }
)

describe.skipIf(!hasRedis)('bullmqStore with Redis down (real redis-server killed with SIGKILL)', () => {
  /** A Redis of the test's own, killed after the test if still running. */
  async function ownRedis(port?: number): Promise<TestRedis> {
    const started = await startRedis(port === undefined ? {} : { port })
    onCleanup(() => started.kill())
    return started
  }

  function setup(own: TestRedis, url: string, queue: { maxSize: number }) {
    const created = bullmqStore({ connection: { host: '127.0.0.1', port: own.port }, enqueueTimeout: 300 })
    onCleanup(() => created.close())
    const onError: Array<{ code: string | undefined; deliveryId: string }> = []
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url }],
      store: created,
      queue,
      onError: ({ error, deliveryId }) => void onError.push({ code: (error as { code?: string }).code, deliveryId }),
    })
    const dropped: Array<{ id: string; body: string }> = []
    call.webHooks.on('delivery:dropped', ({ delivery }) => void dropped.push({ id: delivery.id, body: delivery.body }))
    return { call, dropped, onError }
  }

  it('killed for good: every hook is delivered, dropped over the bounds (reported, with its body) or undelivered', async () => {
    const own = await ownRedis()
    const server = await receiver()
    const { call, dropped, onError } = setup(own, server.url, { maxSize: 50 })
    for (let n = 0; n < 10; n++) await call('a', { n })
    await until(() => uniqueIds(server).size === 10, 'the hooks sent while Redis was up')
    await own.kill()
    const total = 200
    for (let n = 10; n < total; n++) await call('a', { n })
    // What waits for Redis counts against queue.maxSize (drop-oldest): 150 dropped and reported, each with its body.
    expect(dropped).toHaveLength(total - 10 - 50)
    expect(dropped.every(drop => JSON.parse(drop.body).params.n >= 10)).toBe(true)
    expect(onError.filter(e => e.code === 'ERR_WEB_HOOK_DELIVERY_DROPPED').map(e => e.deliveryId)).toEqual(
      dropped.map(drop => drop.id)
    )
    expect(call.webHooks.stats().dropped).toBe(dropped.length)
    // close() keeps its deadline (bounded wait, generous) and returns what never reached Redis.
    const closeStarted = Date.now()
    const closing = call.webHooks.close({ timeout: 500 })
    const late = new Promise<'late'>(resolve => setTimeout(() => resolve('late'), 5000))
    const result = await Promise.race([closing, late])
    expect(result).not.toBe('late')
    const { undelivered } = result as Awaited<typeof closing>
    console.info(
      `bullmq Redis killed: ${dropped.length} dropped, ${undelivered.length} undelivered, close() ${Date.now() - closeStarted} ms`
    )
    expect(undelivered).toHaveLength(50)
    // Every hook is accounted for, once: delivered, dropped or undelivered.
    const numbers = [
      ...server.requests.map(request => request.json.params.n as number),
      ...dropped.map(drop => JSON.parse(drop.body).params.n as number),
      ...undelivered.map(delivery => JSON.parse(delivery.body).params.n as number),
    ].sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: total }, (_, n) => n))
  }, 30_000)

  it('the buffer keeps maxSizePerEndpoint per endpoint and the drop-newest policy', async () => {
    const own = await ownRedis()
    const created = bullmqStore({ connection: { host: '127.0.0.1', port: own.port }, enqueueTimeout: 300 })
    onCleanup(() => created.close())
    await created.queue.waitUntilReady()
    await own.kill()
    const urls = ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']
    const call = wrap({
      hooks: urls.map(url => ({ method: 'a', type: 'post' as const, url })),
      store: created,
      queue: { maxSizePerEndpoint: 20, overflow: 'drop-newest' },
    })
    const dropped: Array<{ url: string; n: number }> = []
    call.webHooks.on('delivery:dropped', ({ reason, delivery }) => {
      expect(reason).toBe('overflow')
      dropped.push({ url: delivery.url, n: JSON.parse(delivery.body).params.n })
    })
    for (let n = 0; n < 30; n++) await call('a', { n })
    // Each endpoint keeps its 20 oldest; its 10 newest are refused, reported one by one.
    for (const url of urls) {
      expect(dropped.filter(drop => drop.url === url).map(drop => drop.n)).toEqual(
        Array.from({ length: 10 }, (_, i) => 20 + i)
      )
    }
    const { undelivered } = await call.webHooks.close({ timeout: 200 })
    expect(undelivered).toHaveLength(40)
    expect(undelivered.every(delivery => JSON.parse(delivery.body).params.n < 20)).toBe(true)
  }, 30_000)

  it('a short outage: what waits for Redis is kept in order and sent once it is back, nothing lost', async () => {
    const own = await ownRedis()
    const server = await receiver()
    const created = bullmqStore({ connection: { host: '127.0.0.1', port: own.port }, enqueueTimeout: 300 })
    onCleanup(() => created.close())
    const call = wrap({ hooks: hooks(server.url), store: created, breaker: false })
    const dropped: string[] = []
    call.webHooks.on('delivery:dropped', ({ delivery }) => void dropped.push(delivery.id))
    await call('a', { n: -1 })
    await until(() => server.requests.length === 2, 'the hooks sent while Redis was up')
    await own.kill()
    const total = 100
    for (let n = 0; n < total; n++) await call('a', { n })
    await new Promise(resolve => setTimeout(resolve, 500))
    const downAt = Date.now()
    await ownRedis(own.port)
    await until(() => uniqueIds(server).size === 2 * (total + 1), `the ${2 * (total + 1)} hooks`, 20_000)
    console.info(
      `bullmq Redis outage: ${2 * total} hooks kept, all delivered ${Date.now() - downAt} ms after Redis was back`
    )
    expect(dropped).toEqual([])
    expectPreBeforePost(server.requests, () => true)
  }, 30_000)
})

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
    expect(() => bullmqStore({ connection, lockDuration: 0 })).toThrow(/lockDuration.*positive integer/)
    expect(() => bullmqStore({ connection, stalledInterval: 1.5 })).toThrow(/stalledInterval.*positive integer/)
    expect(() => bullmqStore({ connection, maxStalledCount: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_STORE_OPTIONS', message: expect.stringMatching(/maxStalledCount/) })
    )
    // Nothing else broke: valid values are taken.
    const valid = bullmqStore({ connection, lockDuration: 8000, stalledInterval: 2000, maxStalledCount: 0 })
    expect(valid.kind).toBe('bullmq')
    onCleanup(() => valid.close())
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
