import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { type WebHookTelemetry, withWebHooks } from '../src/index.js'
import { childReceiver, now, PARAMS, sleep } from './util.js'
const POSTS = 20_000
const discard: SpanExporter = { export: (_s, done) => done({ code: 0 }), shutdown: async () => {} }
async function deliveries(url: string, telemetry: WebHookTelemetry): Promise<number> {
  const call = withWebHooks(async (_m: string, p: unknown) => p, {
    hooks: [{ method: 'vm.start', type: 'post', url, concurrency: 32 }],
    queue: { maxSize: POSTS, maxSizePerEndpoint: POSTS },
    telemetry,
  })
  const start = now()
  trace.getTracer('bench').startActiveSpan('api', span => {
    for (let i = 0; i < POSTS; i++) void call('vm.start', PARAMS)
    span.end()
  })
  const stats = () => Object.values(call.webHooks.stats().endpoints)[0]
  while ((stats()?.delivered ?? 0) + (stats()?.failed ?? 0) < POSTS) await sleep(5)
  const elapsed = now() - start
  await call.webHooks.close({ timeout: 1000 })
  return elapsed
}
const receiver = await childReceiver()
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
propagation.setGlobalPropagator(new W3CTraceContextPropagator())
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard)] })
trace.setGlobalTracerProvider(tracerProvider)
const mode = process.argv[2] ?? 'both'
for (let r = 0; r < 5; r++) {
  const off = mode !== 'on' ? await deliveries(receiver.url, false) : NaN
  const on = mode !== 'off' ? await deliveries(receiver.url, { tracerProvider }) : NaN
  console.log(
    'off µs/delivery',
    ((off * 1000) / POSTS).toFixed(1),
    'on',
    ((on * 1000) / POSTS).toFixed(1),
    'ratio',
    (off / on).toFixed(3)
  )
}
receiver.close()
await tracerProvider.shutdown()
process.exit(0)
