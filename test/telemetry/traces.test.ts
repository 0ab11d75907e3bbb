/**
 * Issue 14, traces: with the real OpenTelemetry SDK, a call made inside an active span sends its pre (waited) and post
 * hooks to a `createReceiver` on loopback that fails once; each attempt is a CLIENT span child of the call's span,
 * the receiver's handler runs in a SERVER span child of the attempt, all in the call's trace.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { withWebHooks } from '../../src/index.js'
import { createReceiver } from '../../src/receiver/index.js'
import { until } from '../core/setup.js'
import { receiver as loopback, track } from '../core/setup.js'
import { serve } from '../helpers/serve.js'
import { registerContext, type Sdk, startSdk } from './setup.js'

let sdk: Sdk | undefined
beforeAll(registerContext)
afterEach(async () => {
  await sdk?.shutdown()
  sdk = undefined
})

/** A `createReceiver` on 127.0.0.1 whose handlers fail the first `failures` deliveries (500: the sender retries). */
async function hookReceiver(failures: number, telemetry?: object) {
  let failed = 0
  const handled: Array<{ type: string; traceId: string | undefined; spanId: string | undefined }> = []
  const rx = createReceiver(telemetry === undefined ? {} : { telemetry })
  rx.on('*', ({ payload }) => {
    if (failed < failures) {
      failed++
      throw new Error('receiver down for a moment')
    }
    const active = trace.getActiveSpan()?.spanContext()
    handled.push({ type: payload.type, traceId: active?.traceId, spanId: active?.spanId })
  })
  const served = track(await serve(rx.node))
  const url = `${served.url}/hooks`
  return { url, handled }
}

const byName = (spans: ReadableSpan[], kind: SpanKind) => spans.filter(span => span.kind === kind)
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId

describe('traces (issue 14)', () => {
  it('one trace from the call, through each attempt (the first failing), into the receiver handler', async () => {
    sdk = startSdk()
    const { url, handled } = await hookReceiver(1)
    const call = track(
      withWebHooks(async (_method: string, params: { id: string }) => ({ started: params.id }), {
        hooks: [
          {
            method: 'vm.start',
            type: 'pre/post',
            url,
            waitForResponse: true,
            timeout: 5000,
            retry: { schedule: [10, 10] },
          },
        ],
      })
    )
    const tracer = sdk.tracerProvider.getTracer('test')
    const callSpan = await tracer.startActiveSpan('api vm.start', async span => {
      await call('vm.start', { id: 'vm1' })
      span.end()
      return span
    })
    await until(() => handled.length === 2)
    await until(() => byName(sdk!.finished(), SpanKind.CLIENT).length === 3)
    const spans = sdk.finished()
    const { traceId, spanId: callSpanId } = callSpan.spanContext()
    for (const span of spans) expect(span.spanContext().traceId).toBe(traceId)

    const clients = byName(spans, SpanKind.CLIENT)
    const pres = clients.filter(span => span.attributes['webhook.type'] === 'pre')
    expect(pres.map(span => span.attributes['webhook.attempt'])).toEqual([1, 2])
    for (const span of clients) {
      expect(parentOf(span)).toBe(callSpanId)
      expect(span.name).toBe(`webhook ${span.attributes['webhook.type']} vm.start`)
      expect(span.attributes).toMatchObject({
        'http.request.method': 'POST',
        'url.full': url,
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(url).port),
        'rpc.method': 'vm.start',
      })
      expect(span.attributes['webhook.id']).toMatch(/^msg_/)
    }
    // Both attempts of a delivery carry its webhook-id; the failed one has the error status and type.
    expect(pres[0]!.attributes['webhook.id']).toBe(pres[1]!.attributes['webhook.id'])
    expect(pres[0]!.attributes['http.response.status_code']).toBe(500)
    expect(pres[0]!.attributes['error.type']).toBe('500')
    expect(pres[0]!.status.code).toBe(SpanStatusCode.ERROR)
    expect(pres[1]!.attributes['http.response.status_code']).toBe(204)
    expect(pres[1]!.status.code).not.toBe(SpanStatusCode.ERROR)

    // The waited pre is on the call's critical path: both attempts ran inside the call's span.
    for (const span of pres) {
      expect(hrMs(span.startTime)).toBeGreaterThanOrEqual(hrMs((callSpan as unknown as ReadableSpan).startTime))
      expect(hrMs(span.endTime)).toBeLessThanOrEqual(hrMs((callSpan as unknown as ReadableSpan).endTime))
    }

    // The receiver: a SERVER span per request, child of the attempt that sent it; the handler runs inside it.
    const servers = byName(spans, SpanKind.SERVER)
    expect(servers).toHaveLength(3)
    for (const server of servers) {
      const client = clients.find(span => span.spanContext().spanId === parentOf(server))
      expect(client).toBeDefined()
      expect(server.attributes['webhook.id']).toBe(client!.attributes['webhook.id'])
      expect(server.attributes['webhook.type']).toBe(client!.attributes['webhook.type'])
      expect(server.attributes['rpc.method']).toBe('vm.start')
      expect(server.attributes['http.response.status_code']).toBe(client!.attributes['http.response.status_code'])
    }
    expect(servers.filter(span => span.status.code === SpanStatusCode.ERROR)).toHaveLength(1)
    for (const run of handled) {
      expect(run.traceId).toBe(traceId)
      expect(servers.map(span => span.spanContext().spanId)).toContain(run.spanId)
    }
  })

  it('sends traceparent to any receiver, and a call without an active span starts no trace of its own', async () => {
    sdk = startSdk()
    const rx = await loopback()
    const call = track(withWebHooks(async () => true, { hooks: [{ method: 'm', type: 'post', url: rx.url }] }))
    const tracer = sdk.tracerProvider.getTracer('test')
    const traceId = await tracer.startActiveSpan('api m', async span => {
      await call('m', {})
      span.end()
      return span.spanContext().traceId
    })
    await call('m', {})
    const [inSpan, outside] = await rx.waitFor(2)
    expect(inSpan!.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
    // Outside a span the attempt is a root span: still traced and propagated, in a trace of its own.
    expect(outside!.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    expect(outside!.headers.traceparent).not.toContain(traceId)
  })

  it('each call lands in its own trace, calls interleaved, and an SDK registered after the wrapper is used', async () => {
    const rx = await loopback()
    const call = track(withWebHooks(async () => true, { hooks: [{ method: 'm', type: 'post', url: rx.url }] }))
    // Made before any SDK: the tracer, the parent contexts and the captured trace contexts are remembered between
    // attempts (issue 14's cost bar), and must still follow the provider registered now and each call's own span.
    await call('m', {})
    await rx.waitFor(1)
    sdk = startSdk()
    const tracer = sdk.tracerProvider.getTracer('test')
    const [a, b] = [tracer.startSpan('a'), tracer.startSpan('b')]
    const order = [a, b, a]
    const ids = order.map(span => span.spanContext())
    for (const span of order) await context.with(trace.setSpan(context.active(), span), () => call('m', {}))
    const [untraced, ...traced] = await rx.waitFor(4)
    expect(untraced!.headers.traceparent).toBeUndefined()
    expect(traced.map(request => request.headers.traceparent?.slice(3, 35))).toEqual(ids.map(id => id.traceId))
    await until(() => byName(sdk!.finished(), SpanKind.CLIENT).length === 3)
    expect(byName(sdk.finished(), SpanKind.CLIENT).map(parentOf)).toEqual(ids.map(id => id.spanId))
  })

  it('uses explicit providers and propagator when given, and records nothing with telemetry: false', async () => {
    sdk = startSdk({ global: false })
    const { url } = await hookReceiver(0, { tracerProvider: sdk.tracerProvider })
    const call = track(
      withWebHooks(async () => true, {
        hooks: [{ method: 'm', type: 'pre', url, waitForResponse: true }],
        telemetry: { tracerProvider: sdk.tracerProvider },
      })
    )
    await call('m', {})
    await until(() => sdk!.finished().length === 2)
    expect(
      sdk
        .finished()
        .map(span => span.kind)
        .sort()
    ).toEqual([SpanKind.CLIENT, SpanKind.SERVER].sort())
    sdk.spans.reset()

    const rx = await loopback()
    const off = track(
      withWebHooks(async () => true, {
        hooks: [{ method: 'm', type: 'pre', url: rx.url, waitForResponse: true }],
        telemetry: false,
      })
    )
    const quiet = await hookReceiver(0, false as unknown as object)
    const offToReceiver = track(
      withWebHooks(async () => true, {
        hooks: [{ method: 'm', type: 'pre', url: quiet.url, waitForResponse: true }],
        telemetry: false,
      })
    )
    await off('m', {})
    await offToReceiver('m', {})
    const [request] = await rx.waitFor(1)
    expect(request!.headers.traceparent).toBeUndefined()
    expect(quiet.handled).toHaveLength(1)
    expect(sdk.finished()).toEqual([])
  })
})

function hrMs([seconds, nanos]: [number, number]): number {
  return seconds * 1000 + nanos / 1e6
}
