/**
 * Durable stores (issue 7): call overhead with a matching post hook and delivery throughput to a loopback receiver,
 * for the memory store (the baseline), SQLite (`synchronous` normal and full) and BullMQ on a local redis-server, all
 * in one run. Ratios are to the memory store. `npm run bench -- stores`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type WebHookStore, withWebHooks } from '../src/index.js'
import { bullmqStore } from '../src/stores/bullmq/index.js'
import { sqliteStore } from '../src/stores/sqlite/index.js'
import { hasRedis, startRedis } from '../test/stores/redis.js'
import { childReceiver, now, PARAMS, type Result, sleep } from './util.js'

const CALLS = 10_000

interface Run {
  /** ns per awaited call (payload built, written to the store). */
  call: number
  /** Deliveries per second, from the first call to the last delivery. */
  throughput: number
  /** CPU time of this process per delivery, µs (less sensitive than throughput to a shared machine). */
  cpu: number
}

async function measure(url: string, store: WebHookStore | undefined): Promise<Run> {
  const call = withWebHooks(async (_method: string, params: unknown) => params, {
    hooks: [{ method: 'vm.start', type: 'post', url, concurrency: 32 }],
    ...(store === undefined ? {} : { store }),
  })
  // Let a store's start-up (open, worker) finish before timing.
  await sleep(200)
  const cpuBefore = process.cpuUsage()
  const start = now()
  for (let index = 0; index < CALLS; index++) await call('vm.start', PARAMS)
  const calls = now() - start
  const stats = () => Object.values(call.webHooks.stats().endpoints)[0]
  const deadline = Date.now() + 120_000
  while ((stats()?.delivered ?? 0) + (stats()?.failed ?? 0) < CALLS) {
    if (Date.now() > deadline)
      throw new Error(`${store?.kind ?? 'memory'}: ${stats()?.delivered} of ${CALLS} delivered`)
    await sleep(5)
  }
  const elapsed = now() - start
  const { user, system } = process.cpuUsage(cpuBefore)
  await call.webHooks.close({ timeout: 1000 })
  return { call: (calls * 1e6) / CALLS, throughput: (CALLS * 1000) / elapsed, cpu: (user + system) / CALLS }
}

/** The write a SQLite store adds to the call path: `enqueue` of one delivery (an insert), then its `ack` (a delete). */
function sqliteWrite(filename: string, synchronous: 'normal' | 'full'): { enqueue: number; ack: number } {
  const store = sqliteStore({ filename, synchronous })
  const body = JSON.stringify({ type: 'post', method: 'vm.start', params: PARAMS, result: true })
  const delivery = (id: number) => ({
    id: `msg_${id}`,
    endpoint: 'http://127.0.0.1:9/hook',
    url: 'http://127.0.0.1:9/hook',
    type: 'post' as const,
    method: 'vm.start',
    callId: `c${id}`,
    body,
    createdAt: Date.now(),
    attempts: 0,
    notBefore: 0,
  })
  const writes = synchronous === 'full' ? 1000 : CALLS
  let start = now()
  for (let index = 0; index < writes; index++) store.enqueue(delivery(index), Date.now() + 60_000)
  const enqueue = ((now() - start) * 1e6) / writes
  start = now()
  for (let index = 0; index < writes; index++) store.ack(`msg_${index}`)
  const ack = ((now() - start) * 1e6) / writes
  store.close()
  return { enqueue, ack }
}

export async function stores(): Promise<Result> {
  const receiver = await childReceiver()
  const dir = mkdtempSync(join(tmpdir(), 'rwh-bench-'))
  const redis = hasRedis ? await startRedis() : undefined
  const figures: Record<string, string | number> = { calls: CALLS }
  try {
    const memory = await measure(receiver.url, undefined)
    const runs: Array<[string, () => WebHookStore]> = [
      ['sqlite (synchronous normal)', () => sqliteStore({ filename: join(dir, 'normal.db') })],
      ['sqlite (synchronous full)', () => sqliteStore({ filename: join(dir, 'full.db'), synchronous: 'full' })],
    ]
    if (redis !== undefined) {
      runs.push([
        'bullmq (local redis-server)',
        () => bullmqStore({ connection: { host: redis.host, port: redis.port } }),
      ])
    }
    for (const mode of ['normal', 'full'] as const) {
      const write = sqliteWrite(join(dir, `write-${mode}.db`), mode)
      figures[`sqlite (${mode}) write per hook ns`] =
        `enqueue ${Math.round(write.enqueue)}, ack ${Math.round(write.ack)}`
    }
    figures['memory ns/call'] = Math.round(memory.call)
    figures['memory deliveries/s'] = Math.round(memory.throughput)
    figures['memory CPU µs/delivery'] = Math.round(memory.cpu)
    for (const [name, create] of runs) {
      const run = await measure(receiver.url, create())
      figures[`${name} ns/call`] = `${Math.round(run.call)} (${(run.call / memory.call).toFixed(2)}x memory)`
      figures[`${name} deliveries/s`] =
        `${Math.round(run.throughput)} (${(run.throughput / memory.throughput).toFixed(2)}x memory)`
      // The BullMQ worker's own CPU per delivery (its Redis round trips); Redis' CPU is another process's.
      if (name.startsWith('bullmq')) {
        figures[`${name} CPU µs/delivery`] = `${Math.round(run.cpu)} (${(run.cpu / memory.cpu).toFixed(2)}x memory)`
      }
    }
    if (redis === undefined) figures.bullmq = 'skipped: redis-server not installed'
  } finally {
    receiver.close()
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return { name: `durable stores: a post hook per call, ${CALLS} calls, receiver on loopback`, figures }
}
