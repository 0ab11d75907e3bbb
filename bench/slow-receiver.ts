/**
 * Bar: with a matching post hook whose receiver takes 1 s, a call's latency does not depend on the receiver (p99
 * changes by under 1 ms against the same dispatcher without a matching hook). Reports ns per call.
 */
import { withWebHooks } from '../src/index.js'
import { childReceiver, now, percentile, type Result } from './util.js'

const CALLS = 20_000

async function latencies(fn: (method: string, params: unknown) => Promise<unknown>): Promise<Float64Array> {
  const samples = new Float64Array(CALLS)
  for (let index = 0; index < CALLS; index++) {
    const start = now()
    await fn('vm.start', { id: index })
    samples[index] = now() - start
  }
  return samples.sort()
}

export async function slowReceiver(): Promise<Result> {
  const receiver = await childReceiver(1000)
  const dispatch = async (_method: string, params: unknown) => params
  const config = { queue: { maxSize: 200_000, maxSizePerEndpoint: 200_000 }, retry: false as const }
  const unmatched = withWebHooks(dispatch, { ...config, hooks: [{ method: 'other', type: 'post', url: receiver.url }] })
  const matched = withWebHooks(dispatch, {
    ...config,
    hooks: [{ method: 'vm.start', type: 'post', url: receiver.url }],
  })
  await latencies(unmatched)
  await latencies(matched)
  const base = await latencies(unmatched)
  const hooked = await latencies(matched)
  const mean = (samples: Float64Array) => samples.reduce((sum, value) => sum + value, 0) / samples.length
  const delta = percentile(hooked, 0.99) - percentile(base, 0.99)
  await Promise.all([unmatched.webHooks.close({ timeout: 0 }), matched.webHooks.close({ timeout: 0 })])
  receiver.close()
  return {
    name: 'matching post hook, receiver takes 1 s',
    figures: {
      'no-hook ns/call': Math.round(mean(base) * 1e6),
      'hooked ns/call': Math.round(mean(hooked) * 1e6),
      'no-hook p99 µs': Math.round(percentile(base, 0.99) * 1000),
      'hooked p99 µs': Math.round(percentile(hooked, 0.99) * 1000),
      'p99 delta µs': Math.round(delta * 1000),
    },
    bar: { text: 'p99 delta < 1 ms', met: delta < 1 },
  }
}
