/**
 * Bar: deliveries to a loopback receiver through `withWebHooks` (payloads built, ids drawn, default transport) at
 * ≥ 0.8x raw undici `request`, both at concurrency 32, 20 000 POSTs. Also reported: the delivery engine alone (prebuilt
 * bodies) and the sender's CPU time per POST.
 */
import { Agent, request } from 'undici'
import { CurrentConfig } from '../src/config/current.js'
import { createDeliveryEngine } from '../src/delivery/engine.js'
import { withWebHooks } from '../src/index.js'
import { childReceiver, now, PARAMS, type Result, sleep } from './util.js'

const POSTS = 20_000
const CONCURRENCY = 32
const ROUNDS = 7

async function raw(url: string, body: string): Promise<number> {
  const dispatcher = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 60_000 })
  let next = 0
  const start = now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < POSTS) {
        const response = await request(url, {
          dispatcher,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        await response.body.text()
      }
    })
  )
  const elapsed = now() - start
  await dispatcher.close()
  return elapsed
}

/** The delivery engine alone: 20 000 prebuilt deliveries enqueued at once. */
async function engineOnly(url: string, body: string): Promise<number> {
  const current = new CurrentConfig({
    hooks: [{ method: 'vm.start', type: 'post', url, concurrency: CONCURRENCY }],
    queue: { maxSize: POSTS, maxSizePerEndpoint: POSTS },
  })
  const engine = createDeliveryEngine(current)
  const hook = current.resolved.hooks[0]!
  const start = now()
  for (let index = 0; index < POSTS; index++) {
    engine.enqueue({
      id: `msg_${index}`,
      hook,
      type: 'post',
      callId: `c${index}`,
      method: 'vm.start',
      body,
      createdAt: 0,
    })
  }
  const stats = () => Object.values(engine.stats().endpoints)[0]
  while ((stats()?.delivered ?? 0) + (stats()?.failed ?? 0) < POSTS) await sleep(10)
  const elapsed = now() - start
  const failed = stats()?.failed ?? 0
  await engine.close({ timeout: 1000 })
  if (failed > 0) throw new Error(`${failed} deliveries failed`)
  return elapsed
}

/** End to end: 20 000 calls of a wrapped dispatcher with a matching post hook (payloads built, ids drawn). */
async function engine(url: string): Promise<number> {
  const call = withWebHooks(async (_method: string, params: unknown) => params, {
    hooks: [{ method: 'vm.start', type: 'post', url, concurrency: CONCURRENCY }],
    queue: { maxSize: POSTS, maxSizePerEndpoint: POSTS },
  })
  const start = now()
  for (let index = 0; index < POSTS; index++) void call('vm.start', PARAMS)
  const stats = () => Object.values(call.webHooks.stats().endpoints)[0]
  while ((stats()?.delivered ?? 0) + (stats()?.failed ?? 0) < POSTS) await sleep(10)
  const elapsed = now() - start
  const failed = stats()?.failed ?? 0
  await call.webHooks.close({ timeout: 1000 })
  if (failed > 0) throw new Error(`${failed} deliveries failed`)
  return elapsed
}

/** Runs one measure and returns [wall ms, CPU µs of this process per POST]. */
async function measured(run: () => Promise<number>): Promise<[number, number]> {
  const cpu = process.cpuUsage()
  const wall = await run()
  const used = process.cpuUsage(cpu)
  return [wall, (used.user + used.system) / POSTS]
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

export async function throughput(): Promise<Result> {
  const receiver = await childReceiver()
  const body = JSON.stringify({ type: 'post', callId: 'x', method: 'vm.start', params: PARAMS, timestamp: Date.now() })
  // Warm up all three, then alternate (the machine is shared: noise hits each alike) and keep every figure.
  await raw(receiver.url, body)
  await engineOnly(receiver.url, body)
  await engine(receiver.url)
  const times = { raw: [] as number[], engineOnly: [] as number[], endToEnd: [] as number[] }
  const cpu = { raw: [] as number[], engineOnly: [] as number[], endToEnd: [] as number[] }
  const runs = {
    raw: () => raw(receiver.url, body),
    engineOnly: () => engineOnly(receiver.url, body),
    endToEnd: () => engine(receiver.url),
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of ['raw', 'engineOnly', 'endToEnd'] as const) {
      const [wall, perPost] = await measured(runs[name])
      times[name].push(wall)
      cpu[name].push(perPost)
    }
  }
  receiver.close()
  const rate = (ms: number) => Math.round((POSTS * 1000) / ms)
  const best = (values: number[]) => Math.min(...values)
  const ratio = (values: number[]) => (best(times.raw) / best(values)).toFixed(3)
  const medianRatio = (values: number[]) => (median(times.raw) / median(values)).toFixed(3)
  const endToEnd = median(times.raw) / median(times.endToEnd)
  return {
    name: `throughput, ${POSTS} POSTs, concurrency ${CONCURRENCY}, receiver in a child process`,
    figures: {
      [`raw undici req/s (best of ${ROUNDS})`]: rate(best(times.raw)),
      'engine alone req/s (best)': rate(best(times.engineOnly)),
      'withWebHooks end to end req/s (best)': rate(best(times.endToEnd)),
      'ratio engine alone / raw (best)': ratio(times.engineOnly),
      'ratio end to end / raw (best)': ratio(times.endToEnd),
      'ratio engine alone / raw (median)': medianRatio(times.engineOnly),
      'ratio end to end / raw (median)': medianRatio(times.endToEnd),
      'sender CPU µs/POST raw (median)': median(cpu.raw).toFixed(1),
      'sender CPU µs/POST engine alone (median)': median(cpu.engineOnly).toFixed(1),
      'sender CPU µs/POST end to end (median)': median(cpu.endToEnd).toFixed(1),
    },
    // The bar is on what a user gets: calls of a wrapped dispatcher, payloads built, delivered by the default transport.
    bar: { text: `withWebHooks end to end / raw ≥ 0.80 (median of ${ROUNDS})`, met: endToEnd >= 0.8 },
  }
}
