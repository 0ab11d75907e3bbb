/**
 * The BullMQ store (issue 7): a distributed queue on Redis. Any process enqueues; the workers of every process that
 * uses the store deliver, with BullMQ's own retries (job attempts + a backoff strategy returning the engine's delay),
 * a call's post kept behind its pre to the same endpoint across processes, and failed jobs as dead letters.
 */
import type { ConnectionOptions, Job, Queue, Worker } from 'bullmq'
import { MAX_DURATION } from '../../validation/check.js'
import { findUnknownKey } from '../../validation/known-keys.js'
import type {
  WebHookDeadLetter,
  WebHookStore,
  WebHookStoreContext,
  WebHookStoredDelivery,
  WebHookStoreWorker,
} from '../../delivery/store-types.js'
import { WebHookStoreError } from '../../errors/store-error.js'
import { within } from '../../delivery/within.js'
import { bullmq } from './driver.js'
import { backoffStrategy, createProcessor, type JobData, PRE_MARK_TTL, preMark, redisOf } from './processor.js'

/** Options of {@link bullmqStore}. */
export interface WebHookBullmqStoreOptions {
  /**
   * How to reach Redis: ioredis connection options, as BullMQ takes them (`host`, `port`, `password`, `tls`, `db`…).
   * @example { host: 'redis.internal', port: 6379, password: process.env.REDIS_PASSWORD }
   */
  connection: ConnectionOptions
  /**
   * Prefix of every Redis key (BullMQ's `prefix`).
   * @default 'bull'
   */
  prefix?: string
  /**
   * Name of the BullMQ queue; every process that shares deliveries uses the same name.
   * @default 'rpc-web-hooks'
   */
  queueName?: string
  /**
   * Deliveries this process's worker attempts at once, all endpoints together (each endpoint's own `concurrency` still
   * applies within the process).
   * @default 8
   */
  concurrency?: number
  /**
   * Whether this process delivers (runs a BullMQ worker). `false`: it only enqueues, and workers elsewhere deliver.
   * @default true
   */
  worker?: boolean
  /**
   * Most dead letters (failed jobs) kept in Redis; older ones are removed.
   * @default 10000
   */
  maxDeadLetters?: number
  /**
   * An enqueue not confirmed by Redis within this time is reported (`ERR_WEB_HOOK_STORE_UNREACHABLE`), ms. The API call
   * never waits for Redis either way.
   * @default 5000
   */
  enqueueTimeout?: number
  /**
   * How long a worker's hold on a job (BullMQ's job lock) lasts without being renewed, ms; the worker renews it every
   * half of this while it works on the job. A worker that dies (SIGKILL, crash, machine lost) stops renewing: its
   * jobs are offered again once the lock has expired and a stalled-job check has seen it (`stalledInterval`), so a
   * killed worker's jobs are re-sent within about `lockDuration + stalledInterval` (10 s with the defaults). Raise it
   * if the event loop of your workers can be blocked longer than this (a job would then be handed to another worker
   * while still in flight: sent twice, with the same `webhook-id`). BullMQ's own default is 30 000.
   * @default 5000
   */
  lockDuration?: number
  /**
   * How often each worker looks for jobs whose lock expired (stalled jobs) and puts them back in the queue, ms.
   * BullMQ's own default is 30 000.
   * @default 5000
   */
  stalledInterval?: number
  /**
   * How many times a job may be found stalled (its worker died while holding it) and put back; one more and it fails
   * for good (a dead letter), which stops a delivery that crashes its workers from crashing them all in turn.
   * @default 2
   */
  maxStalledCount?: number
}

/** The BullMQ store: a {@link WebHookStore} that schedules deliveries itself, plus offline replay. */
export interface WebHookBullmqStore extends WebHookStore {
  readonly kind: 'bullmq'
  readonly durable: true
  /** The BullMQ queue (for inspection: `getJobCounts()`…). */
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

/** More attempts than any retry policy allows: the engine's policy decides when a delivery fails for good. */
const MAX_ATTEMPTS = 10_000
/** Defaults of the worker's job lock and stalled-job check: a killed worker's jobs are re-sent within ~10 s. */
const LOCK_DURATION = 5000
const STALLED_INTERVAL = 5000
const MAX_STALLED_COUNT = 2
/** At most one "unreachable" report per this many ms. */
const REPORT_INTERVAL = 30_000

/** The options of {@link bullmqStore} (one list: a new option is one more entry). */
const OPTION_KEYS = [
  'connection',
  'prefix',
  'queueName',
  'concurrency',
  'worker',
  'maxDeadLetters',
  'enqueueTimeout',
  'lockDuration',
  'stalledInterval',
  'maxStalledCount',
] as const satisfies readonly (keyof WebHookBullmqStoreOptions)[]

function invalid(what: string): WebHookStoreError {
  return new WebHookStoreError('ERR_WEB_HOOK_STORE_OPTIONS', 'bullmq', what)
}

function check(options: WebHookBullmqStoreOptions): void {
  if (typeof options !== 'object' || options === null || typeof options.connection !== 'object') {
    throw invalid('bullmqStore() needs { connection }, ioredis options such as { host, port }')
  }
  const unknown = findUnknownKey(options, OPTION_KEYS, '')
  if (unknown !== undefined) throw invalid(`bullmqStore({ ${unknown.path} }) ${unknown.message}`)
  for (const name of ['prefix', 'queueName'] as const) {
    const value = options[name]
    if (value !== undefined && (typeof value !== 'string' || value === '' || value.includes(':'))) {
      throw invalid(`bullmqStore({ ${name} }) must be a non-empty string without ':', got ${JSON.stringify(value)}`)
    }
  }
  for (const name of ['concurrency', 'maxDeadLetters', 'enqueueTimeout', 'lockDuration', 'stalledInterval'] as const) {
    const value = options[name]
    // enqueueTimeout is a timer: Node's hold at most 2^31 − 1 ms.
    const max = name === 'enqueueTimeout' ? MAX_DURATION : Number.MAX_SAFE_INTEGER
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > max)) {
      const expected = name === 'enqueueTimeout' ? `an integer of ms from 1 to ${max}` : 'a positive integer'
      throw invalid(`bullmqStore({ ${name} }) must be ${expected}, got ${JSON.stringify(value)}`)
    }
  }
  const { maxStalledCount } = options
  if (maxStalledCount !== undefined && (!Number.isInteger(maxStalledCount) || maxStalledCount < 0)) {
    throw invalid(`bullmqStore({ maxStalledCount }) must be an integer ≥ 0, got ${JSON.stringify(maxStalledCount)}`)
  }
}

function describeTarget(connection: ConnectionOptions): string {
  const { host = '127.0.0.1', port = 6379 } = connection as { host?: string; port?: number }
  return `${host}:${port}`
}

/**
 * The queue's connection fails a command at once while Redis is away, instead of ioredis keeping every command in its
 * unbounded offline queue (issue 13): the engine keeps what was not confirmed in its own bounded buffer and sends it
 * again when Redis is back. An ioredis instance given as `connection` is used as it is.
 */
function failFast(connection: ConnectionOptions): ConnectionOptions {
  if (typeof (connection as { connect?: unknown }).connect === 'function') return connection
  return { ...connection, enableOfflineQueue: false, maxRetriesPerRequest: 1 } as ConnectionOptions
}

function toDelivery(data: JobData): WebHookStoredDelivery {
  const { failure: _failure, dead: _dead, ...delivery } = data
  return delivery
}

function toLetter(job: Job<JobData>): WebHookDeadLetter {
  const { failure } = job.data
  return {
    ...toDelivery(job.data),
    attempts: job.attemptsMade,
    failedAt: failure?.failedAt ?? job.finishedOn ?? job.timestamp,
    code: failure?.code ?? 'ERR_WEB_HOOK_DELIVERY_FAILED',
    message: failure?.message ?? job.failedReason,
    ...(failure?.status === undefined ? {} : { status: failure.status }),
  }
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
 */
export function bullmqStore(options: WebHookBullmqStoreOptions): WebHookBullmqStore {
  check(options)
  const { connection, prefix = 'bull', queueName = 'rpc-web-hooks' } = options
  const maxDeadLetters = options.maxDeadLetters ?? 10_000
  const enqueueTimeout = options.enqueueTimeout ?? 5000
  const target = describeTarget(connection)
  const { Queue, Worker } = bullmq()
  const queue = new Queue<JobData>(queueName, { connection: failFast(connection), prefix })
  let context: WebHookStoreContext | undefined
  let worker: Worker<JobData> | undefined
  let lastReport = 0
  /** Pre marks being written, by key: the call's post waits for them. */
  const marking = new Map<string, Promise<void>>()
  let closed = false

  function report(error: Error): void {
    const now = Date.now()
    if (now - lastReport < REPORT_INTERVAL) return
    lastReport = now
    const reported = new WebHookStoreError(
      'ERR_WEB_HOOK_STORE_UNREACHABLE',
      'bullmq',
      `Redis at ${target} (queue ${JSON.stringify(queueName)}) failed: ${error.message}`,
      { cause: error }
    )
    if (context === undefined) process.emitWarning(reported)
    else context.onError(reported)
  }
  queue.on('error', report)

  async function add(data: JobData, extra: { attempts: number; delay: number }): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`no answer within ${enqueueTimeout} ms to enqueue ${data.id}`)
        lastReport = 0
        report(error)
        reject(error)
      }, enqueueTimeout)
    })
    const adding = queue.add(data.type, data, {
      jobId: data.id,
      ...extra,
      backoff: { type: 'web-hook' },
      removeOnComplete: true,
      removeOnFail: { count: maxDeadLetters },
    })
    // A late failure, after the timeout was reported, is reported again at most every REPORT_INTERVAL.
    adding.catch(report)
    try {
      await Promise.race([adding, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  async function failedJobs(ids: readonly string[] | undefined, limit = -1): Promise<Job<JobData>[]> {
    if (ids === undefined) return queue.getJobs(['failed'], 0, limit, true)
    const jobs = await Promise.all(ids.map(id => queue.getJob(id)))
    const found: Job<JobData>[] = []
    for (const job of jobs) if (job !== undefined && (await job.isFailed())) found.push(job)
    return found
  }

  return {
    kind: 'bullmq',
    durable: true,
    queue,
    open(given) {
      context = given
    },
    async enqueue(delivery) {
      const extra = { attempts: MAX_ATTEMPTS, delay: Math.max(0, delivery.notBefore - Date.now()) }
      const key = preMark(queue, delivery)
      if (delivery.type === 'post') {
        // The call's pre to this endpoint is being written by this process: it goes first, and if it does not get to
        // Redis, neither does its post (both are sent again, in order, by the engine's buffer).
        await marking.get(key)
        return add(delivery, extra)
      }
      // Marks the call's pre as pending before its job exists, so that its post never runs ahead of it.
      const writing = redisOf(queue)
        .then(redis => redis.set(key, delivery.id, 'PX', PRE_MARK_TTL))
        .then(() => add(delivery, extra))
      marking.set(key, writing)
      try {
        await writing
      } finally {
        if (marking.get(key) === writing) marking.delete(key)
      }
    },
    lease() {
      // The queue schedules deliveries itself (`run`): nothing to lease.
      return []
    },
    ack() {},
    retryAt() {},
    async deadLetter(letter) {
      const { failedAt, code, message, status, ...delivery } = letter
      const failure = { failedAt, code, message, ...(status === undefined ? {} : { status }) }
      await add({ ...delivery, failure, dead: true }, { attempts: 1, delay: 0 })
    },
    run(engine: WebHookStoreWorker) {
      if (options.worker === false || worker !== undefined || closed) return
      worker = new Worker<JobData>(queueName, createProcessor(queue, engine), {
        connection,
        prefix,
        concurrency: options.concurrency ?? 8,
        // BullMQ's 30 s lock and stalled check left a killed worker's jobs waiting a minute or more (issue 13).
        lockDuration: options.lockDuration ?? LOCK_DURATION,
        stalledInterval: options.stalledInterval ?? STALLED_INTERVAL,
        maxStalledCount: options.maxStalledCount ?? MAX_STALLED_COUNT,
        settings: { backoffStrategy },
      })
      worker.on('error', report)
    },
    async listDeadLetters({ limit } = {}) {
      return (await failedJobs(undefined, limit === undefined ? -1 : limit - 1)).map(toLetter)
    },
    async takeDeadLetters(ids) {
      const taken: WebHookStoredDelivery[] = []
      for (const job of await failedJobs(ids)) {
        await job.remove()
        taken.push({ ...toDelivery(job.data), attempts: 0, notBefore: 0 })
      }
      return taken
    },
    async replayDeadLetters(ids) {
      const replayed: string[] = []
      for (const job of await failedJobs(ids)) {
        await job.updateData(toDelivery(job.data))
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
        replayed.push(job.id!)
      }
      return replayed
    },
    async close() {
      if (closed) return
      closed = true
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
    },
  }
}
