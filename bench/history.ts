/**
 * Figures of the delivery history (issue 15), each against a baseline with `history: false` in the same run: heap
 * bytes per kept attempt (a full ring of 20 000, after a forced GC), and delivery throughput with the history
 * recording (7 interleaved rounds of 5 000 posts to a loopback receiver in a child process; best of each).
 */
import type { Job } from '../src/delivery/endpoint.js'
import { DeliveryHistory } from '../src/delivery/history.js'
import { withWebHooks } from '../src/index.js'
import { childReceiver, collect, now, PARAMS, type Result, sleep } from './util.js'

const SIZE = 20_000
const ROUND = 5_000
const ROUNDS = 7

function wrapper(url: string, history: false | { size: number }) {
  return withWebHooks(async (_method: string, params: unknown) => params, {
    hooks: [{ method: 'vm.*', type: 'post', url, format: 'json' }],
    queue: { maxSize: SIZE * 2, maxSizePerEndpoint: SIZE * 2 },
    history,
  })
}
type Wrapper = ReturnType<typeof wrapper>

/** Makes `count` calls and waits until all are delivered; returns the seconds it took. */
async function deliver(call: Wrapper, url: string, count: number): Promise<number> {
  const target = (call.webHooks.stats().endpoints[url]?.delivered ?? 0) + count
  const started = now()
  for (let index = 0; index < count; index++) await call('vm.start', { ...PARAMS, index })
  while ((call.webHooks.stats().endpoints[url]?.delivered ?? 0) < target) await sleep(2)
  return (now() - started) / 1000
}

/** Heap growth of a wrapper over `SIZE` deliveries (after a warm-up), GC forced before and after. */
async function heapOf(url: string, history: false | { size: number }): Promise<number> {
  const call = wrapper(url, history)
  await deliver(call, url, 2000)
  collect()
  const before = process.memoryUsage().heapUsed
  await deliver(call, url, SIZE)
  await sleep(50)
  collect()
  const heap = process.memoryUsage().heapUsed - before
  await call.webHooks.close({ timeout: 1000 })
  return heap
}

/** The recording alone: ns per `attempt()` on a full ring (steadier than the throughput rounds on a shared machine). */
function recordingCost(): number {
  const ring = new DeliveryHistory(SIZE)
  const endpoint = { url: 'http://127.0.0.1:1/' }
  const body = JSON.stringify({ type: 'post', method: 'vm.start', params: PARAMS })
  const jobs = Array.from({ length: 4096 }, (_, index) => ({
    delivery: { id: `V1StGXR8_Z5jdHi6B-my${index}`, callId: 'c', method: 'vm.start', type: 'post', body },
    endpoint,
    attempts: 1,
    status: 200,
    redirectedTo: undefined,
  })) as unknown as Job[]
  let best = Number.POSITIVE_INFINITY
  for (let round = 0; round < 5; round++) {
    const started = now()
    for (let index = 0; index < 200_000; index++) {
      ring.attempt({ job: jobs[index % jobs.length] as Job, outcome: 'delivered', duration: 1.5, error: undefined })
    }
    best = Math.min(best, ((now() - started) * 1e6) / 200_000)
  }
  return best
}

export async function history(): Promise<Result> {
  const receiver = await childReceiver()
  const url = `${receiver.url}/`
  try {
    const perEntry = ((await heapOf(url, { size: SIZE })) - (await heapOf(url, false))) / SIZE
    const off = wrapper(url, false)
    const on = wrapper(url, { size: SIZE })
    let bestOff = Number.POSITIVE_INFINITY
    let bestOn = Number.POSITIVE_INFINITY
    for (let round = 0; round < ROUNDS; round++) {
      bestOff = Math.min(bestOff, await deliver(off, url, ROUND))
      bestOn = Math.min(bestOn, await deliver(on, url, ROUND))
    }
    await Promise.all([off.webHooks.close({ timeout: 1000 }), on.webHooks.close({ timeout: 1000 })])
    const ratio = bestOff / bestOn
    const cost = recordingCost()
    const perDelivery = (bestOff / ROUND) * 1e9
    return {
      name: `history: { size: ${SIZE} } vs history: false`,
      figures: {
        'heap bytes/attempt kept (bodies included, ≤ 1 MiB in all)': Math.round(perEntry),
        'heap bytes/attempt kept, bodies excluded (approx.)': Math.round(perEntry - (1 << 20) / SIZE),
        'deliveries/s, history off (best round)': Math.round(ROUND / bestOff),
        'deliveries/s, history on (best round)': Math.round(ROUND / bestOn),
        'throughput ratio on/off (noisy on a shared machine)': ratio.toFixed(3),
        'recording alone, ns/attempt (best of 5 × 200 000)': Math.round(cost),
        'recording / a delivery without history': `${((cost / perDelivery) * 100).toFixed(2)}%`,
      },
      bar: { text: 'recording costs < 10% of a delivery', met: cost / perDelivery < 0.1 },
    }
  } finally {
    receiver.close()
  }
}
