/**
 * Telemetry costs (issue 14), three figures:
 * - the wrapper's unmatched path with `@opentelemetry/api` installed and no SDK registered: ≤ 1.10x the bare
 *   dispatcher (the bar of `overhead`; run it alone, `npm run bench -- telemetry`, for the reason given there);
 * - a hooked call's extra cost with the SDK recording (a post hook, the call inside an active span), per call;
 * - delivery throughput with tracing on (the SDK recording each attempt's span, traceparent sent; metrics off, then on too) against
 *   `telemetry: false`: bar ≥ 0.8x; with the sender's CPU time per delivery beside it (steadier on a shared machine).
 */
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { type WebHookTelemetry, withWebHooks } from '../src/index.js'
import { childReceiver, now, PARAMS, type Result, sleep } from './util.js'

const CALLS = 500_000
const HOOKED = 20_000
const POSTS = 20_000
const CONCURRENCY = 32
const ROUNDS = 7

type Call = (method: string, params: unknown) => Promise<unknown>

async function timeBare(fn: Call): Promise<number> {
  const start = now()
  for (let index = 0; index < CALLS; index++) await fn('vm.start', index)
  return now() - start
}

async function timeWrapped(fn: Call): Promise<number> {
  const start = now()
  for (let index = 0; index < CALLS; index++) await fn('vm.start', index)
  return now() - start
}

/** A span exporter that drops what it gets (the SDK still records and batches every span). */
const discard: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
}

/**
 * Time of `HOOKED` awaited hooked calls (a post hook each), ms: what the call itself spends (payload, ids, the trace
 * context captured). The transport never answers, so no delivery work runs between the calls (it is measured by the
 * throughput figures).
 */
async function hookedCalls(telemetry: WebHookTelemetry): Promise<number> {
  const call = withWebHooks(async (_method: string, params: unknown) => params, {
    hooks: [{ method: 'vm.start', type: 'post', url: 'http://127.0.0.1:9/', concurrency: CONCURRENCY }],
    queue: { maxSize: HOOKED, maxSizePerEndpoint: HOOKED },
    transport: () => new Promise(() => {}),
    telemetry,
  })
  const tracer = trace.getTracer('bench')
  const elapsed = await tracer.startActiveSpan('api', async span => {
    const start = now()
    for (let index = 0; index < HOOKED; index++) await call('vm.start', PARAMS)
    const ms = now() - start
    span.end()
    return ms
  })
  await call.webHooks.close({ timeout: 0 })
  return elapsed
}

async function drain(
  call: { webHooks: { stats(): { endpoints: Record<string, { delivered: number; failed: number }> } } },
  count: number
) {
  const stats = () => Object.values(call.webHooks.stats().endpoints)[0]
  while ((stats()?.delivered ?? 0) + (stats()?.failed ?? 0) < count) await sleep(5)
  if ((stats()?.failed ?? 0) > 0) throw new Error('deliveries failed')
}

/**
 * 20 000 posts from calls made inside an active span: ms from the first call to the last delivery, and the sender's
 * CPU time per delivery, µs (the receiver runs in its own process). The CPU figure is the one to compare on a shared
 * machine, where the wall-clock one depends on what else runs.
 */
async function deliveries(url: string, telemetry: WebHookTelemetry): Promise<{ ms: number; cpu: number }> {
  const call = withWebHooks(async (_method: string, params: unknown) => params, {
    hooks: [{ method: 'vm.start', type: 'post', url, concurrency: CONCURRENCY }],
    queue: { maxSize: POSTS, maxSizePerEndpoint: POSTS },
    telemetry,
  })
  const tracer = trace.getTracer('bench')
  const start = now()
  const cpuStart = process.cpuUsage()
  tracer.startActiveSpan('api', span => {
    for (let index = 0; index < POSTS; index++) void call('vm.start', PARAMS)
    span.end()
  })
  await drain(call, POSTS)
  const elapsed = now() - start
  const cpu = process.cpuUsage(cpuStart)
  await call.webHooks.close({ timeout: 1000 })
  return { ms: elapsed, cpu: (cpu.user + cpu.system) / POSTS }
}

const best = (a: { ms: number; cpu: number }, b: { ms: number; cpu: number }) => ({
  ms: Math.min(a.ms, b.ms),
  cpu: Math.min(a.cpu, b.cpu),
})

export async function telemetry(): Promise<Result> {
  const receiver = await childReceiver()
  // 1. API installed (it is a dev dependency), no SDK: the unmatched path.
  const bare = async (_method: string, params: unknown) => params
  const wrapped = withWebHooks(bare, { hooks: [{ method: 'vm.stop', type: 'pre/post', url: receiver.url }] })
  for (let index = 0; index < 2000; index++) await wrapped('vm.stop', index)
  await drain(wrapped, 4000)
  let bestBare = Number.POSITIVE_INFINITY
  let bestWrapped = Number.POSITIVE_INFINITY
  for (let round = 0; round < ROUNDS; round++) {
    bestBare = Math.min(bestBare, await timeBare(bare))
    bestWrapped = Math.min(bestWrapped, await timeWrapped(wrapped))
  }
  await wrapped.webHooks.close({ timeout: 0 })
  const noSdk = bestWrapped / bestBare

  // 2 and 3. The SDK registered: context manager, propagator, tracer provider (spans batched, then dropped), meters.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] })
  trace.setGlobalTracerProvider(tracerProvider)
  // Metrics recorded too in the "SDK recording" runs (a reader collecting them every 60 s, as an exporter would).
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE) }),
    ],
  })
  const tracing = { tracerProvider }
  const everything = { tracerProvider, meterProvider }
  let hookedOff = Number.POSITIVE_INFINITY
  let hookedOn = Number.POSITIVE_INFINITY
  const none = { ms: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY }
  let [off, on, all] = [none, none, none]
  for (let round = 0; round < ROUNDS; round++) {
    hookedOff = Math.min(hookedOff, await hookedCalls(false))
    hookedOn = Math.min(hookedOn, await hookedCalls(everything))
    off = best(off, await deliveries(receiver.url, false))
    on = best(on, await deliveries(receiver.url, tracing))
    all = best(all, await deliveries(receiver.url, everything))
  }
  await tracerProvider.shutdown()
  await meterProvider.shutdown()
  receiver.close()
  const ratio = off.ms / on.ms
  const ns = (ms: number, count: number) => ((ms * 1e6) / count).toFixed(1)
  return {
    name: `telemetry (${ROUNDS} rounds; unmatched ${CALLS} calls, hooked ${HOOKED} calls, ${POSTS} deliveries)`,
    figures: {
      'no SDK, unmatched: bare ns/call': ns(bestBare, CALLS),
      'no SDK, unmatched: wrapped ns/call': ns(bestWrapped, CALLS),
      'no SDK, unmatched: ratio (best of each)': noSdk.toFixed(3),
      'hooked call, telemetry off ns/call': ns(hookedOff, HOOKED),
      'hooked call, SDK recording ns/call': ns(hookedOn, HOOKED),
      'hooked call, extra ns/call': ns(hookedOn - hookedOff, HOOKED),
      'deliveries/s, tracing off': Math.round(POSTS / (off.ms / 1000)),
      'deliveries/s, tracing on': Math.round(POSTS / (on.ms / 1000)),
      'throughput ratio on/off': ratio.toFixed(3),
      'deliveries/s, tracing and metrics on': Math.round(POSTS / (all.ms / 1000)),
      'throughput ratio tracing and metrics/off': (off.ms / all.ms).toFixed(3),
      'sender CPU µs/delivery, tracing off': off.cpu.toFixed(1),
      'sender CPU µs/delivery, tracing on': on.cpu.toFixed(1),
      'sender CPU µs/delivery, tracing and metrics on': all.cpu.toFixed(1),
      'CPU ratio off/on (throughput when CPU-bound)': (off.cpu / on.cpu).toFixed(3),
    },
    bar: {
      text: 'unmatched ratio ≤ 1.10 with the API and no SDK; throughput with tracing ≥ 0.8x without',
      met: noSdk <= 1.1 && ratio >= 0.8,
    },
  }
}
