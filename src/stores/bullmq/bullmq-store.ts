/**
 * The BullMQ store (issue 7): a distributed queue on Redis. Any process enqueues; the workers of every process that
 * uses the store deliver, with BullMQ's own retries (job attempts + a backoff strategy returning the engine's delay),
 * a call's post kept behind its pre to the same endpoint across processes, and failed jobs as dead letters. Enqueues
 * are batched per turn of the event loop, several deliveries to a job, on one Redis, Sentinel or a Redis Cluster
 * (issue 16).
 */
import type { Processor, Queue, Worker } from 'bullmq'
import type {
  WebHookDeadLetter,
  WebHookStore,
  WebHookStoredDelivery,
  WebHookStoreWorker,
} from '../../contracts/store.js'
import { listDeadLetters, replayDeadLetters, takeDeadLetters } from './dead-letters.js'
import { within } from '../../delivery/within.js'
import { Jobs } from './jobs.js'
import { Unreachable } from './unreachable.js'
import { type Connections, connect } from './connection.js'
import { bullmq } from './driver.js'
import { EndpointWaiters } from './endpoint-waiters.js'
import { type BullmqSettings, settle, type WebHookBullmqStoreOptions } from './options.js'
import type { BatchData, JobData } from './job-data.js'
import { Settled } from './order.js'
import { backoffStrategy, createProcessor } from './processor.js'
import { PreIndex } from './pre-index.js'
import { Slots } from './slots.js'

/** The BullMQ store: a {@link WebHookStore} that schedules deliveries itself, plus offline replay. */
export interface WebHookBullmqStore extends WebHookStore {
  readonly kind: 'bullmq'
  readonly durable: true
  /**
   * The BullMQ queue (for inspection: `getJobCounts()`…). A job holds one delivery, or several of one turn (a job
   * named `batch`, issue 16): its counts are jobs.
   */
  readonly queue: Queue
  listDeadLetters(options?: { limit?: number }): Promise<WebHookDeadLetter[]>
  takeDeadLetters(ids?: readonly string[]): Promise<WebHookStoredDelivery[]>
  /**
   * Retries dead letters (all, or those with these ids) with BullMQ (`job.retry()`, attempts reset), without an
   * engine: any running worker delivers them (what `rpc-web-hooks replay --redis` does). Resolves with the ids.
   */
  replayDeadLetters(ids?: readonly string[]): Promise<string[]>
  close(): Promise<void>
}

function startWorker(settings: BullmqSettings, connections: Connections, processor: Processor<JobData | BatchData>) {
  const { Worker } = bullmq()
  return new Worker<JobData | BatchData>(settings.queueName, processor, {
    connection: connections.worker(),
    prefix: settings.prefix,
    concurrency: settings.concurrency,
    // BullMQ's 30 s lock and stalled check left a killed worker's jobs waiting a minute or more (issue 13).
    lockDuration: settings.lockDuration,
    stalledInterval: settings.stalledInterval,
    maxStalledCount: settings.maxStalledCount,
    settings: { backoffStrategy },
  })
}

/** Closes the worker, then the queue and the connections, each within a deadline (Redis may not answer). */
async function shutdown(worker: Worker | undefined, queue: Queue, connections: Connections): Promise<void> {
  if (worker !== undefined && !(await within(5000, worker.close()))) void worker.close(true).catch(() => {})
  // Let a failing first connection settle while its error is still listened to (else it is thrown after close);
  // a Redis that never answered does not hold close() up.
  await within(
    1000,
    queue.waitUntilReady().catch(() => {})
  )
  // With Redis away, close() fails at once (commands fail fast): disconnect, or ioredis goes on reconnecting.
  const closing = queue.close().then(
    () => true,
    () => false
  )
  if (!(await within(2000, closing)) || !(await closing)) void queue.disconnect().catch(() => {})
  await within(2000, connections.close())
}

/**
 * Creates a store on Redis with BullMQ (optional peer dependencies: `npm i bullmq`). Several processes enqueue to one
 * queue and every process with `worker: true` (the default) delivers, on the hooks it has configured for the
 * delivery's endpoint. Redis being down never blocks an API call: the failure is reported (logger), the deliveries
 * wait in the process within the queue bounds (over them: dropped and reported) and are sent when Redis is back, or
 * returned by `close()` in `undelivered` (they are lost if this process dies before that).
 *
 * @example
 * import { withWebHooks } from 'rpc-web-hooks'
 * import { bullmqStore } from 'rpc-web-hooks/bullmq'
 *
 * const store = bullmqStore({ connection: { host: 'redis.internal', port: 6379 } })
 * const rpc = withWebHooks(dispatch, { hooks, store })
 * for (const letter of await store.listDeadLetters()) console.log(letter.id, letter.code)
 *
 * @example
 * // On a Redis Cluster (the prefix is a hash tag: `{bull}` by default), or behind Redis Sentinel.
 * const clustered = bullmqStore({ cluster: { nodes: [{ host: 'redis-1.internal', port: 7000 }] } })
 * const failover = bullmqStore({ connection: { sentinels: [{ host: 'sentinel-1', port: 26379 }], name: 'mymaster' } })
 */
export function bullmqStore(options: WebHookBullmqStoreOptions): WebHookBullmqStore {
  const settings = settle(options)
  const { prefix, queueName, maxDeadLetters } = settings
  const connections = connect(settings)
  const { Queue } = bullmq()
  const queue = new Queue<JobData | BatchData>(queueName, { connection: connections.queue, prefix })
  const unreachable = new Unreachable(connections.target, queueName)
  const { report } = unreachable
  queue.on('error', report)
  const jobs = new Jobs({ queue, timeout: settings.enqueueTimeout, report, maxDeadLetters })
  let worker: Worker<JobData | BatchData> | undefined
  const pres = new PreIndex()
  let closed = false

  return {
    kind: 'bullmq',
    durable: true,
    queue,
    open(given) {
      unreachable.open(given)
    },
    async enqueue(delivery) {
      const delay = Math.max(0, delivery.notBefore - Date.now())
      if (delivery.type === 'pre') {
        const written = jobs.add(delivery, delay)
        pres.set(delivery, written)
        await written
        return
      }
      // The call's pre to this endpoint, enqueued by this process, goes first: the post is added once Redis has it
      // (if it does not get there, neither does its post: the engine's buffer sends both again, in order).
      const pre = await pres.before(delivery)
      await jobs.add(pre === undefined ? delivery : { ...delivery, ...pre }, delay)
    },
    lease() {
      // The queue schedules deliveries itself (`run`): nothing to lease.
      return []
    },
    ack() {},
    retryAt() {},
    async deadLetter(letter) {
      const { failedAt, code, message, status, ...delivery } = letter
      await jobs.dead(delivery, { failedAt, code, message, ...(status === undefined ? {} : { status }) })
    },
    run(engine: WebHookStoreWorker) {
      if (!settings.worker || worker !== undefined || closed) return
      const work = {
        queue,
        worker: engine,
        settled: new Settled(),
        slots: new Slots(settings.concurrency),
        waiters: new EndpointWaiters(),
        alone: jobs.alone,
        dead: jobs.dead,
        closing: () => closed,
      }
      worker = startWorker(settings, connections, createProcessor(work))
      worker.on('error', report)
    },
    listDeadLetters: ({ limit } = {}) => listDeadLetters(queue, limit),
    takeDeadLetters: ids => takeDeadLetters(queue, ids),
    replayDeadLetters: ids => replayDeadLetters(queue, ids),
    async close() {
      if (closed) return
      closed = true
      await shutdown(worker, queue, connections)
    },
  }
}
