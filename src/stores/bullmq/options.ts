/**
 * The options of `bullmqStore` (issue 7; Redis Cluster and Sentinel: issue 16) and their validation, done once when
 * the store is created: a bad option is a `WebHookStoreError` (`ERR_WEB_HOOK_STORE_OPTIONS`) naming it.
 */
import type { ConnectionOptions } from 'bullmq'
import type { ClusterNode, ClusterOptions } from 'ioredis'
import { WebHookStoreError } from '../../errors/store-error.js'
import { isObject, MAX_DURATION, typeName } from '../../validation/check.js'
import { findUnknownKey } from '../../validation/known-keys.js'

/** A Redis Cluster to use instead of one Redis (issue 16): its startup nodes and ioredis `Cluster` options. */
export interface WebHookBullmqCluster {
  /**
   * Some of the cluster's nodes (any of them: ioredis discovers the others), as `{ host, port }` or `'host:port'`.
   * @example [{ host: 'redis-1.internal', port: 6379 }, { host: 'redis-2.internal', port: 6379 }]
   */
  nodes: ClusterNode[]
  /**
   * ioredis `Cluster` options (`redisOptions: { password, tls }` for every node, `natMap`, `scaleReads`…). The store
   * sets what BullMQ needs on top (`maxRetriesPerRequest`, `enableOfflineQueue`).
   */
  options?: ClusterOptions
}

/** Where the queue is: one Redis (or a Sentinel-managed one) in `connection`. */
export interface WebHookBullmqRedisTarget {
  /**
   * How to reach Redis: ioredis connection options, as BullMQ takes them (`host`, `port`, `password`, `tls`, `db`…),
   * or an ioredis instance. With Redis Sentinel: `{ sentinels: [{ host, port }], name: 'mymaster' }` (ioredis asks the
   * sentinels for the current master and follows a failover).
   * @example { host: 'redis.internal', port: 6379, password: process.env.REDIS_PASSWORD }
   */
  connection: ConnectionOptions
  cluster?: undefined
}

/** Where the queue is: a Redis Cluster (issue 16). */
export interface WebHookBullmqClusterTarget {
  /**
   * A Redis Cluster instead of `connection`. The prefix must then be a hash tag (`{…}`), so that every key of the
   * queue is in one slot, as BullMQ's scripts need: the default prefix becomes `{bull}`.
   * @example { nodes: [{ host: '10.0.0.1', port: 7000 }], options: { redisOptions: { password: 'secret' } } }
   */
  cluster: WebHookBullmqCluster
  connection?: undefined
}

/** Options of {@link bullmqStore}: one Redis (or a Sentinel-managed one) in `connection`, or a Redis `cluster`. */
export type WebHookBullmqStoreOptions = WebHookBullmqCommonOptions &
  (WebHookBullmqRedisTarget | WebHookBullmqClusterTarget)

/** Options of {@link bullmqStore} other than where Redis is. */
export interface WebHookBullmqCommonOptions {
  /**
   * Prefix of every Redis key (BullMQ's `prefix`). On a cluster it must contain a hash tag, such as `{bull}`.
   * @default 'bull' ('{bull}' with `cluster`)
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
   * @default 32
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

/** The options of {@link bullmqStore} (one list: a new option is one more entry). */
const OPTION_KEYS = [
  'connection',
  'cluster',
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

/** The options, checked, with their defaults. */
export interface BullmqSettings {
  connection: ConnectionOptions | undefined
  cluster: WebHookBullmqCluster | undefined
  prefix: string
  queueName: string
  concurrency: number
  worker: boolean
  maxDeadLetters: number
  enqueueTimeout: number
  lockDuration: number
  stalledInterval: number
  maxStalledCount: number
}

export function invalid(what: string): WebHookStoreError {
  return new WebHookStoreError('ERR_WEB_HOOK_STORE_OPTIONS', 'bullmq', what)
}

/** A hash tag: Redis Cluster hashes only what is between the first `{` and the next `}`, when that is not empty. */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{')
  const close = open < 0 ? -1 : prefix.indexOf('}', open + 1)
  return close > open + 1
}

function checkTarget(options: WebHookBullmqStoreOptions): void {
  const { connection, cluster } = options
  if (connection !== undefined && cluster !== undefined) {
    throw invalid('bullmqStore() takes { connection } (one Redis, or Sentinel) or { cluster }, not both')
  }
  if (cluster !== undefined) {
    if (!isObject(cluster) || !Array.isArray(cluster.nodes) || cluster.nodes.length === 0) {
      throw invalid(
        `bullmqStore({ cluster }) must be { nodes: [{ host, port }, …], options? }, got ${typeName(cluster)}`
      )
    }
    for (const [index, node] of cluster.nodes.entries()) {
      if (!(typeof node === 'string' || typeof node === 'number' || isObject(node))) {
        throw invalid(
          `bullmqStore({ cluster.nodes[${index}] }) must be { host, port } or 'host:port', got ${typeName(node)}`
        )
      }
    }
    if (cluster.options !== undefined && !isObject(cluster.options)) {
      throw invalid(
        `bullmqStore({ cluster.options }) must be ioredis Cluster options, got ${typeName(cluster.options)}`
      )
    }
    return
  }
  if (!isObject(connection)) {
    throw invalid('bullmqStore() needs { connection }, ioredis options such as { host, port }, or { cluster }')
  }
  const { sentinels, name } = connection as { sentinels?: unknown; name?: unknown }
  if (sentinels !== undefined) {
    if (!Array.isArray(sentinels) || sentinels.length === 0 || !sentinels.every(isObject)) {
      throw invalid(`bullmqStore({ connection.sentinels }) must be a non-empty array of { host, port }`)
    }
    if (typeof name !== 'string' || name === '') {
      throw invalid(`bullmqStore({ connection.name }) must name the master the sentinels watch (e.g. 'mymaster')`)
    }
  }
}

function checkNumbers(options: WebHookBullmqStoreOptions): void {
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

/** Checks the options of `bullmqStore` and resolves their defaults. */
export function settle(options: WebHookBullmqStoreOptions): BullmqSettings {
  if (!isObject(options)) throw invalid(`bullmqStore() needs { connection } or { cluster }, got ${typeName(options)}`)
  const unknown = findUnknownKey(options, OPTION_KEYS, '')
  if (unknown !== undefined) throw invalid(`bullmqStore({ ${unknown.path} }) ${unknown.message}`)
  checkTarget(options)
  for (const name of ['prefix', 'queueName'] as const) {
    const value = options[name]
    if (value !== undefined && (typeof value !== 'string' || value === '' || value.includes(':'))) {
      throw invalid(`bullmqStore({ ${name} }) must be a non-empty string without ':', got ${JSON.stringify(value)}`)
    }
  }
  checkNumbers(options)
  const { cluster } = options
  const prefix = options.prefix ?? (cluster === undefined ? 'bull' : '{bull}')
  // Rewriting the user's prefix would move the queue's keys away from other processes and the replay CLI: refuse it.
  if (cluster !== undefined && !hasHashTag(prefix)) {
    throw invalid(
      `bullmqStore({ prefix }) must contain a hash tag on a Redis Cluster, such as ${JSON.stringify(`{${prefix}}`)} ` +
        `(got ${JSON.stringify(prefix)}), so that all the queue's keys are in one slot`
    )
  }
  return {
    connection: options.connection,
    cluster,
    prefix,
    queueName: options.queueName ?? 'rpc-web-hooks',
    concurrency: options.concurrency ?? 32,
    worker: options.worker !== false,
    maxDeadLetters: options.maxDeadLetters ?? 10_000,
    enqueueTimeout: options.enqueueTimeout ?? 5000,
    lockDuration: options.lockDuration ?? 5000,
    stalledInterval: options.stalledInterval ?? 5000,
    maxStalledCount: options.maxStalledCount ?? 2,
  }
}
