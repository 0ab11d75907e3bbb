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
/**
 * Calls in flight at once in the group-commit runs (issue 16): a server answering concurrent requests. Awaited one by
 * one, each call must see its hook committed before the next starts: one commit per call, whatever the store does.
 */
const IN_FLIGHT = 64
/** Paired rounds of the in-flight runs. */
const ROUNDS = 5

interface Run {
  /** ns per awaited call (payload built, written to the store). */
  call: number
  /**
   * CPU time of this process per call, ns: the call loop never yields to the event loop, so it is the call path's own
   * work, less sensitive than `call` to other processes sharing the cores.
   */
  callCpu: number
  /** Deliveries per second, from the first call to the last delivery. */
  throughput: number
  /** CPU time of this process per delivery, µs (less sensitive than throughput to a shared machine). */
  cpu: number
}

async function measure(url: string, store: WebHookStore | undefined, inFlight = 1): Promise<Run> {
  const call = withWebHooks(async (_method: string, params: unknown) => params, {
    hooks: [{ method: 'vm.start', type: 'post', url, concurrency: 32 }],
    ...(store === undefined ? {} : { store }),
  })
  // Let a store's start-up (open, worker) finish before timing.
  await sleep(200)
  const cpuBefore = process.cpuUsage()
  const start = now()
  const callCpuBefore = process.cpuUsage()
  if (inFlight === 1) for (let index = 0; index < CALLS; index++) await call('vm.start', PARAMS)
  else {
    const wave = Array.from({ length: inFlight }, () => PARAMS)
    for (let index = 0; index < CALLS; index += inFlight)
      await Promise.all(wave.map(params => call('vm.start', params)))
  }
  const calls = now() - start
  const callCpu = process.cpuUsage(callCpuBefore)
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
  return {
    call: (calls * 1e6) / CALLS,
    callCpu: ((callCpu.user + callCpu.system) * 1000) / CALLS,
    throughput: (CALLS * 1000) / elapsed,
    cpu: (user + system) / CALLS,
  }
}

/**
 * The write a SQLite store adds per hook: `enqueue` of one delivery (an insert), awaited one at a time (a commit each)
 * and `IN_FLIGHT` at a time (group commit: one commit for all of them); then its `ack` (a delete), folded as acks are.
 */
async function sqliteWrite(
  filename: string,
  synchronous: 'normal' | 'full'
): Promise<{ alone: number; grouped: number; ack: number }> {
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
  const perWrite = (start: number) => ((now() - start) * 1e6) / writes
  let start = now()
  for (let index = 0; index < writes; index++) await store.enqueue(delivery(index), Date.now() + 60_000)
  const alone = perWrite(start)
  const grouped = async (write: (index: number) => Promise<void>) => {
    for (let index = 0; index < writes; index += IN_FLIGHT) {
      const wave: Promise<void>[] = []
      for (let at = index; at < Math.min(writes, index + IN_FLIGHT); at++) wave.push(write(at))
      await Promise.all(wave)
    }
  }
  // Acks are folded into the next commit (within 10 ms, or at once past 512 waiting): all made, then awaited.
  start = now()
  await Promise.all(Array.from({ length: writes }, (_, index) => store.ack(`msg_${index}`)))
  const ack = perWrite(start)
  start = now()
  await grouped(index => store.enqueue(delivery(writes + index), Date.now() + 60_000))
  const group = perWrite(start)
  store.close()
  return { alone, grouped: group, ack }
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
      const write = await sqliteWrite(join(dir, `write-${mode}.db`), mode)
      figures[`sqlite (${mode}) write per hook ns`] =
        `enqueue ${Math.round(write.alone)} alone, ${Math.round(write.grouped)} ${IN_FLIGHT} at once; ` +
        `ack ${Math.round(write.ack)} (512 to a commit)`
    }
    figures['memory ns/call'] = `${Math.round(memory.call)} (cpu ${Math.round(memory.callCpu)})`
    figures['memory deliveries/s'] = Math.round(memory.throughput)
    figures['memory CPU µs/delivery'] = Math.round(memory.cpu)
    const report = (name: string, run: Run, base: Run) => {
      figures[`${name} ns/call`] =
        `${Math.round(run.call)} (${(run.call / base.call).toFixed(2)}x memory; ` +
        `cpu ${Math.round(run.callCpu)}, ${(run.callCpu / base.callCpu).toFixed(2)}x)`
      figures[`${name} deliveries/s`] =
        `${Math.round(run.throughput)} (${(run.throughput / base.throughput).toFixed(2)}x memory)`
      // The process's CPU per delivery, from the first call to the last delivery (for BullMQ: the worker's own Redis
      // round trips; Redis' CPU is another process's).
      figures[`${name} CPU µs/delivery`] = `${Math.round(run.cpu)} (${(run.cpu / base.cpu).toFixed(2)}x memory)`
    }
    for (const [name, create] of runs) report(name, await measure(receiver.url, create()), memory)
    // Group commit (issue 16): IN_FLIGHT calls at a time, the memory store measured the same way as the baseline, in
    // ROUNDS paired rounds (memory, then each SQLite mode): one round's ratio moved by 2x from run to run on an idle
    // machine; the median round is reported, with the range of the ratios.
    const rounds: Array<{ base: Run; runs: Run[] }> = []
    for (let round = 0; round < ROUNDS; round++) {
      const base = await measure(receiver.url, undefined, IN_FLIGHT)
      const measured: Run[] = []
      for (const [, create] of runs.slice(0, 2)) measured.push(await measure(receiver.url, create(), IN_FLIGHT))
      rounds.push({ base, runs: measured })
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
    const range = (values: number[]) => `${Math.min(...values).toFixed(2)}x to ${Math.max(...values).toFixed(2)}x`
    figures[`memory ns/call (${IN_FLIGHT} in flight, median of ${ROUNDS})`] =
      `${Math.round(median(rounds.map(r => r.base.call)))} (cpu ${Math.round(median(rounds.map(r => r.base.callCpu)))})`
    figures[`memory deliveries/s (${IN_FLIGHT} in flight, median of ${ROUNDS})`] = Math.round(
      median(rounds.map(r => r.base.throughput))
    )
    runs.slice(0, 2).forEach(([name], index) => {
      const ratio = (pick: (run: Run) => number) => rounds.map(r => pick(r.runs[index]!) / pick(r.base))
      const call = ratio(run => run.call)
      const cpu = ratio(run => run.callCpu)
      const rate = ratio(run => run.throughput)
      const key = `${name}, ${IN_FLIGHT} in flight`
      figures[`${key}, call / memory`] = `${median(call).toFixed(2)}x (${range(call)})`
      figures[`${key}, call CPU / memory`] = `${median(cpu).toFixed(2)}x (${range(cpu)})`
      figures[`${key}, deliveries/s / memory`] = `${median(rate).toFixed(2)}x (${range(rate)})`
    })
    if (redis === undefined) figures.bullmq = 'skipped: redis-server not installed'
  } finally {
    receiver.close()
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return { name: `durable stores: a post hook per call, ${CALLS} calls, receiver on loopback`, figures }
}
