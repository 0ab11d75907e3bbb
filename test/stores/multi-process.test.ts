/**
 * Several processes on one Redis (issue 16, item 3): real child processes with BullMQ stores on one `redis-server`
 * on loopback; two that enqueue and (in the first run) work, one that only works. A receiver that dedupes on
 * `webhook-id` handles every hook once (0 lost, 0 handled twice), and every post after its pre, whichever process
 * delivered it.
 */
import { describe, expect, it } from 'vitest'
import { type Child, child, exited, expectPreBeforePost, receiver, uniqueIds, until } from './helpers.js'
import { hasRedis, NO_REDIS_MESSAGE, useTestRedis } from './redis.js'

if (!hasRedis) console.warn(NO_REDIS_MESSAGE)

const redis = useTestRedis()
let queues = 0

async function stop(proc: Child): Promise<{ delivered: number; cpu: number }> {
  proc.process.kill('SIGTERM')
  const line = await proc.line('stats ', 30_000)
  await exited(proc.process)
  return JSON.parse(line.slice('stats '.length))
}

async function scenario(enqueuersWork: boolean) {
  const server = await receiver()
  const queueName = `multi-${process.pid}-${++queues}`
  const count = 60
  const port = String(redis()!.port)
  const start = (tag: string, calls: number, worker: boolean) =>
    child('bullmq-process', [port, queueName, server.url, String(calls), tag, worker ? '1' : '0'])
  const worker = start('worker', 0, true)
  const enqueuers = [start('one', count, enqueuersWork), start('two', count, enqueuersWork)]
  // Every process up (its SIGTERM handler set) before any is stopped: a child still loading under a busy machine
  // would otherwise die of the SIGTERM silently, without its stats line.
  await Promise.all([worker, ...enqueuers].map(proc => proc.line('ready', 60_000)))
  // Each process says `enqueued` once its SIGTERM handler is set (the worker `enqueued 0`): all waited for, so that a
  // stop never comes first.
  await Promise.all([
    worker.line('enqueued 0', 60_000),
    ...enqueuers.map(proc => proc.line(`enqueued ${count}`, 60_000)),
  ])
  const total = 2 * 2 * count
  await until(() => uniqueIds(server).size === total, `${total} hooks`, 30_000)
  const stats = await Promise.all([worker, ...enqueuers].map(stop))
  // What a receiver that dedupes on webhook-id handles: each (call, type) once, from both enqueuers.
  const handled = new Map<string, string>()
  for (const request of server.requests) {
    const { type, params } = request.json as { type: string; params: { tag: string; i: number } }
    handled.set(String(request.headers['webhook-id']), `${params.tag}-${params.i}-${type}`)
  }
  // One webhook-id per hook (none sent under two ids), and every hook there (none lost).
  expect(handled.size).toBe(total)
  expect(new Set(handled.values()).size).toBe(total)
  expectPreBeforePost(server.requests, () => true)
  const duplicates = server.requests.length - handled.size
  console.info(
    `bullmq ${enqueuersWork ? '3 workers' : '1 worker, 2 enqueue-only'}: ${total} hooks, delivered by process ` +
      `${stats.map(s => s.delivered).join(' / ')}, ${duplicates} sent twice (deduped)`
  )
  return stats
}

describe.skipIf(!hasRedis)(`several processes on one redis-server${hasRedis ? '' : ` — ${NO_REDIS_MESSAGE}`}`, () => {
  it('2 processes that enqueue and work, 1 that only works: 0 lost, 0 handled twice, pre before post', async () => {
    const [worker, ...enqueuers] = await scenario(true)
    expect(worker!.delivered + enqueuers.reduce((sum, s) => sum + s.delivered, 0)).toBeGreaterThanOrEqual(240)
  }, 150_000)

  it('the enqueuers with worker: false: the one worker delivers everything, in order', async () => {
    const [worker, ...enqueuers] = await scenario(false)
    expect(enqueuers.map(s => s.delivered)).toEqual([0, 0])
    expect(worker!.delivered).toBeGreaterThanOrEqual(240)
  }, 150_000)
})
