/**
 * Several deliveries per BullMQ job (issue 16): what a batch job must keep of the store's guarantees. A call's pre
 * that needs retries, worked by one process while its post waits in another's batch job, still reaches the receiver
 * first; jobs of the former layout (one delivery per job) left in Redis by an earlier version are still worked, in
 * order (a rolling upgrade); and a batch job failed whole (by a worker of the earlier version) is one dead letter per
 * delivery, replayed together.
 */
import { UnrecoverableError, Worker } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { bullmqStore } from '../../src/stores/bullmq/index.js'
import { type Child, child, exited, expectPreBeforePost, onCleanup, receiver, until, wrap } from './helpers.js'
import { hasRedis, NO_REDIS_MESSAGE, useTestRedis } from './redis.js'

if (!hasRedis) console.warn(NO_REDIS_MESSAGE)

const redis = useTestRedis()
let queues = 0

function store(queueName: string, worker: boolean) {
  const created = bullmqStore({ connection: { host: '127.0.0.1', port: redis()!.port }, queueName, worker })
  onCleanup(() => created.close())
  return created
}

const hooks = (url: string) => [
  { method: 'a', type: 'pre' as const, url, concurrency: 32 },
  { method: 'a', type: 'post' as const, url, concurrency: 32 },
]

/** The deliveries waiting in Redis, whichever job holds them. */
async function waiting(queue: ReturnType<typeof bullmqStore>['queue']) {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized'])
  return {
    jobs,
    deliveries: jobs.flatMap(job => (Array.isArray(job.data.deliveries) ? job.data.deliveries : [job.data])),
  }
}

async function stop(proc: Child): Promise<void> {
  proc.process.kill('SIGTERM')
  await proc.line('closed')
  await exited(proc.process)
}

describe.skipIf(!hasRedis)(`BullMQ batch jobs${hasRedis ? '' : ` — ${NO_REDIS_MESSAGE}`}`, () => {
  it('a pre that needs retries while its post waits in another process: the post still goes after it', async () => {
    // Every pre is refused twice (503) before it is taken: its post, in a later batch job, must wait for it whichever
    // of the two worker processes holds either.
    const refused = new Map<string, number>()
    const okIndexes = new Set<number>()
    const server = await receiver((request, index) => {
      const { type } = request.json as { type: string }
      const id = String(request.headers['webhook-id'])
      const times = refused.get(id) ?? 0
      if (type === 'pre' && times < 2) {
        refused.set(id, times + 1)
        return { status: 503 }
      }
      okIndexes.add(index)
      return {}
    })
    const queueName = `batch-retry-${process.pid}-${++queues}`
    const port = String(redis()!.port)
    const workers = [1, 2].map(n =>
      child('bullmq-process', [port, queueName, server.url, '0', `w${n}`, '1', '[30,30,30]'])
    )
    await Promise.all(workers.map(proc => proc.line('ready', 60_000)))
    // This process only enqueues: 30 calls in a row, their pres in one batch job, their posts in another.
    const enqueuer = store(queueName, false)
    const call = wrap({ hooks: hooks(server.url), store: enqueuer, breaker: false })
    const count = 30
    for (let i = 0; i < count; i++) await call('a', { tag: 'retry', i })
    const ok = () => new Set([...okIndexes].map(index => server.requests[index]!.headers['webhook-id']))
    await until(() => ok().size === 2 * count, `${2 * count} hooks delivered`, 30_000)
    expect(refused.size).toBe(count)
    expectPreBeforePost(server.requests, index => okIndexes.has(index))
    await Promise.all(workers.map(stop))
  }, 90_000)

  it('jobs of the former layout (one delivery per job) left in Redis are worked, each post after its pre', async () => {
    const server = await receiver()
    const queueName = `batch-upgrade-${process.pid}-${++queues}`
    const enqueuer = store(queueName, false)
    const call = wrap({ hooks: hooks(server.url), store: enqueuer, breaker: false })
    const count = 10
    for (let i = 0; i < count; i++) await call('a', { tag: 'old', i })
    await until(async () => (await waiting(enqueuer.queue)).deliveries.length === 2 * count, 'the deliveries in Redis')
    const { jobs, deliveries } = await waiting(enqueuer.queue)
    expect(jobs.length).toBeLessThan(2 * count)
    // Rewritten as an earlier version wrote them: a job per delivery, id = the delivery's, a post naming its pre's
    // job in `after`; the posts first, so only `after` keeps them behind their pres.
    for (const job of jobs) await job.remove()
    const byType = (type: string) => deliveries.filter(data => data.type === type)
    const old = [...byType('post'), ...byType('pre')].map(({ afterJob: _afterJob, ...data }) => data)
    for (const data of old) {
      await enqueuer.queue.add(data.type, data, {
        jobId: data.id,
        attempts: 10_000,
        backoff: { type: 'web-hook' },
        removeOnComplete: true,
      })
    }
    // A process of this version works them.
    wrap({ hooks: hooks(server.url), store: store(queueName, true), breaker: false })
    await until(() => new Set(server.requests.map(r => r.headers['webhook-id'])).size === 2 * count, 'every hook')
    expect(server.requests).toHaveLength(2 * count)
    expect(new Set(server.requests.map(r => r.headers['webhook-id']))).toEqual(new Set(old.map(data => data.id)))
    expectPreBeforePost(server.requests, () => true)
  })

  it('a batch job failed whole (a worker of the previous version took it) is one dead letter per delivery', async () => {
    const server = await receiver()
    const queueName = `batch-failed-${process.pid}-${++queues}`
    const enqueuer = store(queueName, false)
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], store: enqueuer })
    for (let i = 0; i < 5; i++) await call('a', { tag: 'failed', i })
    await until(async () => (await waiting(enqueuer.queue)).deliveries.length === 5, 'the deliveries in Redis')
    const { jobs, deliveries } = await waiting(enqueuer.queue)
    expect(jobs).toHaveLength(1)
    // What a worker of the previous version does with a job it cannot read: fails it.
    const connection = { host: '127.0.0.1', port: redis()!.port }
    const previous = new Worker(
      queueName,
      async () => {
        throw new UnrecoverableError('no hook for this delivery')
      },
      { connection, prefix: enqueuer.queue.opts.prefix! }
    )
    await until(async () => (await enqueuer.queue.getJobCounts('failed')).failed === 1, 'the batch job failed')
    await previous.close()
    const letters = await enqueuer.listDeadLetters()
    expect(letters.map(letter => letter.id).sort()).toEqual(deliveries.map(data => data.id).sort())
    expect(letters[0]).toMatchObject({ type: 'post', code: 'ERR_WEB_HOOK_DELIVERY_FAILED' })
    expect(await enqueuer.listDeadLetters({ limit: 2 })).toHaveLength(2)
    // Replayed together (one job), then delivered by a worker of this version, each once with its own id.
    expect((await enqueuer.replayDeadLetters([letters[0]!.id])).sort()).toEqual(letters.map(l => l.id).sort())
    wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], store: store(queueName, true) })
    await until(() => server.requests.length === 5, 'the 5 replayed hooks')
    expect(new Set(server.requests.map(r => r.headers['webhook-id']))).toEqual(new Set(letters.map(l => l.id)))
    expect(await enqueuer.listDeadLetters()).toEqual([])
  })

  it("a batch job's deliveries keep their endpoint's concurrency in the process: one at a time at concurrency 1", async () => {
    let inFlight = 0
    let most = 0
    const server = await receiver(() => {
      inFlight++
      most = Math.max(most, inFlight)
      // Counted out before the receiver's own timer answers (set after this one, for the same delay).
      setTimeout(() => inFlight--, 20)
      return { delay: 20 }
    })
    const queueName = `batch-concurrency-${process.pid}-${++queues}`
    const shared = store(queueName, true)
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url, concurrency: 1 }], store: shared })
    for (let i = 0; i < 20; i++) await call('a', { tag: 'one-at-a-time', i })
    await until(() => server.requests.length === 20, 'the 20 hooks', 20_000)
    expect(new Set(server.requests.map(r => r.headers['webhook-id'])).size).toBe(20)
    expect(most).toBe(1)
  })

  it('a worker killed mid-job: another runs its batch job again, the deliveries already delivered included', async () => {
    // The child's worker takes the batch job of its 10 pres: the first 5 are answered, the others held; then it is
    // killed. Redis had acknowledged all 20 hooks: all are delivered, the 5 answered ones again, with the same ids.
    let answering = 5
    let holding = true
    const server = await receiver(() => {
      if (answering > 0) {
        answering--
        return {}
      }
      return holding ? { delay: 20_000 } : {}
    })
    const queueName = `batch-kill-${process.pid}-${++queues}`
    const port = String(redis()!.port)
    const killed = child('bullmq-process', [port, queueName, server.url, '10', 'killed', '1'])
    await killed.line('enqueued 10', 60_000)
    await until(() => server.requests.length === 10, 'the 10 pres sent by the child', 30_000)
    const answered = server.requests.slice(0, 5).map(r => r.headers['webhook-id'])
    killed.process.kill('SIGKILL')
    await exited(killed.process)
    holding = false
    const before = server.requests.length
    wrap({ hooks: hooks(server.url), store: store(queueName, true), breaker: false })
    const after = () => new Set(server.requests.slice(before).map(r => r.headers['webhook-id']))
    await until(() => after().size === 20, 'the 20 hooks after the kill', 30_000)
    for (const id of answered) expect(after()).toContain(id)
    expectPreBeforePost(server.requests.slice(before), () => true)
  }, 60_000)

  it('close() while a batch job is worked: its deliveries not started go back to Redis, each a job of its own', async () => {
    const server = await receiver(() => ({ delay: 100 }))
    const queueName = `batch-close-${process.pid}-${++queues}`
    const closing = bullmqStore({ connection: { host: '127.0.0.1', port: redis()!.port }, queueName })
    const post = [{ method: 'a', type: 'post' as const, url: server.url, concurrency: 1 }]
    const call = wrap({ hooks: post, store: closing })
    for (let i = 0; i < 20; i++) await call('a', { tag: 'close', i })
    await until(() => server.requests.length > 0, 'the first hook sent')
    await call.webHooks.close({ timeout: 5000 })
    // Every delivery was sent or is back in Redis, alone (none left in a batch job).
    const sent = new Set(server.requests.map(r => r.headers['webhook-id']))
    const other = store(queueName, false)
    const { jobs, deliveries } = await waiting(other.queue)
    expect(jobs.every(job => job.name === 'post')).toBe(true)
    expect(sent.size + deliveries.length).toBeGreaterThanOrEqual(20)
    expect(sent.size).toBeLessThan(20)
    // The next worker delivers them.
    wrap({ hooks: post, store: store(queueName, true) })
    await until(() => new Set(server.requests.map(r => r.headers['webhook-id'])).size === 20, 'the 20 hooks', 20_000)
  }, 40_000)
})
