/**
 * The sender's telemetry (issue 14): one CLIENT span per delivery attempt, child of the span active when the API call
 * was made, with the W3C trace context injected into the request; the delivery counter, the attempt-duration
 * histogram and the queue and breaker gauges. Made once per `createWebHooks`; `undefined` (nothing to do at all)
 * when `telemetry: false` or `@opentelemetry/api` is not installed.
 */
import type { Attributes, Counter, Histogram, ObservableGauge, Span, Tracer } from '@opentelemetry/api'
import { isWebHookError } from '../errors/web-hook-error.js'
import { serverOf } from './address.js'
import { otelApi, type OtelApi } from './api.js'
import { checkTelemetry } from './check.js'
import { meterCache, tracerCache } from './scope.js'
import { TraceContexts } from './trace-context.js'
import type { WebHookTelemetryOptions } from './types.js'

/** `webhook.outcome` of the `webhook.deliveries` counter. */
export type DeliveryOutcomeName = 'delivered' | 'given_up' | 'dropped' | 'vetoed'

/** What the telemetry needs of a delivery (the engine's `OutgoingDelivery` has it). */
export interface TracedDelivery {
  id: string
  type: 'pre' | 'post'
  method: string
  traceparent?: string | undefined
}

/** The end of an attempt, as `attempt.ts` decided it. */
export interface AttemptEnd {
  status: number | undefined
  error: Error | undefined
  /** ms. */
  duration: number
}

/** One attempt's span, ended once with the attempt's answer. */
export interface AttemptSpan {
  end(attempt: AttemptEnd): void
}

/** What the gauges read: the engine's per-endpoint stats. */
export interface EndpointGaugeSource {
  endpoints: Record<string, { queued: number; breaker: 'closed' | 'half-open' | 'open' }>
}

const BREAKER = { closed: 0, 'half-open': 1, open: 2 } as const

interface Instruments {
  deliveries: Counter
  duration: Histogram
  queueSize: ObservableGauge
  breaker: ObservableGauge
}

/** The `error.type` of a failed attempt: the status code for an HTTP answer, else the error's code or name. */
export function errorTypeOf(status: number | undefined, error: Error): string {
  if (status !== undefined && status >= 400) return String(status)
  return isWebHookError(error) ? error.code : error.name
}

export class SenderTelemetry {
  readonly #api: OtelApi
  readonly #options: WebHookTelemetryOptions
  readonly #instruments: () => Instruments
  readonly #tracer: () => Tracer
  readonly #contexts: TraceContexts
  #sources = new Set<() => EndpointGaugeSource>()

  constructor(api: OtelApi, options: WebHookTelemetryOptions) {
    this.#api = api
    this.#options = options
    this.#tracer = tracerCache(api, options)
    this.#contexts = new TraceContexts(api)
    this.#instruments = meterCache(api, options, meter => {
      const instruments: Instruments = {
        deliveries: meter.createCounter('webhook.deliveries', {
          description: 'Web hook deliveries that ended, by outcome',
          unit: '{delivery}',
        }),
        duration: meter.createHistogram('webhook.attempt.duration', {
          description: 'Duration of one delivery attempt (request and answer)',
          unit: 's',
          // The HTTP semantic conventions' boundaries, in seconds (the SDK's default ones suit milliseconds).
          advice: {
            explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
          },
        }),
        queueSize: meter.createObservableGauge('webhook.queue.size', {
          description: 'Deliveries waiting per endpoint (queued, parked behind their pre, waiting for a retry)',
          unit: '{delivery}',
        }),
        breaker: meter.createObservableGauge('webhook.endpoint.breaker', {
          description: 'Circuit breaker of each endpoint: 0 closed, 1 half-open, 2 open',
        }),
      }
      instruments.queueSize.addCallback(result => {
        for (const source of this.#sources) {
          for (const [url, stats] of Object.entries(source().endpoints))
            result.observe(stats.queued, gaugeAttributes(url))
        }
      })
      instruments.breaker.addCallback(result => {
        for (const source of this.#sources) {
          for (const [url, stats] of Object.entries(source().endpoints)) {
            result.observe(BREAKER[stats.breaker], gaugeAttributes(url))
          }
        }
      })
      return instruments
    })
  }

  /** The `traceparent` of the span active at the call, kept with the delivery; undefined without an active span. */
  capture(): string | undefined {
    return this.#contexts.capture()
  }

  /**
   * Opens the CLIENT span of an attempt (attempt number `attempt`, to `url`, credentials already removed) and injects
   * the trace context into `headers`. The hot path of traced deliveries (issue 14's ≥ 0.8x bar): the tracer, the
   * parent context and the endpoint's attributes are each made once and reused; no closure per attempt.
   */
  startAttempt(delivery: TracedDelivery, attempt: number, url: string, headers: Record<string, string>): AttemptSpan {
    const api = this.#api
    const parent = this.#contexts.parentOf(delivery.traceparent)
    // Only what a sampler may look at is given at creation (HTTP semantic conventions); the rest once it records.
    const span = this.#tracer().startSpan(
      `webhook ${delivery.type} ${delivery.method}`,
      { kind: api.SpanKind.CLIENT, attributes: endpointAttributes(url) },
      parent
    )
    if (span.isRecording()) {
      span.setAttribute('webhook.id', delivery.id)
      span.setAttribute('webhook.type', delivery.type)
      span.setAttribute('webhook.attempt', attempt)
      span.setAttribute('rpc.method', delivery.method)
    }
    const context = api.trace.setSpan(parent, span)
    const { propagator } = this.#options
    if (propagator === undefined) api.propagation.inject(context, headers)
    else propagator.inject(context, headers, api.defaultTextMapSetter)
    return new TracedAttempt(this, span, url)
  }

  /** Ends an attempt's span and records its duration (called by {@link TracedAttempt.end}). */
  endAttempt(span: Span, url: string, { status, error, duration }: AttemptEnd): void {
    const address = serverOf(url).address
    const attributes: Attributes = { 'server.address': address }
    const recording = span.isRecording()
    if (status !== undefined) {
      attributes['http.response.status_code'] = status
      if (recording) span.setAttribute('http.response.status_code', status)
    }
    if (error !== undefined) {
      const type = errorTypeOf(status, error)
      attributes['error.type'] = type
      if (recording) {
        span.setAttribute('error.type', type)
        span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message: error.message })
      }
    }
    span.end()
    this.#instruments().duration.record(duration / 1000, attributes)
  }

  /** Counts a delivery that ended (`webhook.deliveries`). */
  count(outcome: DeliveryOutcomeName, delivery: { type: 'pre' | 'post' }, url: string): void {
    this.#instruments().deliveries.add(1, {
      'webhook.outcome': outcome,
      'webhook.type': delivery.type,
      'server.address': serverOf(url).address,
    })
  }

  /** The gauges read `source` at each collection, until the returned function is called (close). */
  observe(source: () => EndpointGaugeSource): () => void {
    this.#sources.add(source)
    this.#instruments()
    return () => this.#sources.delete(source)
  }
}

/** One attempt's span: a small object rather than a closure per attempt. */
class TracedAttempt implements AttemptSpan {
  readonly #telemetry: SenderTelemetry
  readonly #span: Span
  readonly #url: string

  constructor(telemetry: SenderTelemetry, span: Span, url: string) {
    this.#telemetry = telemetry
    this.#span = span
    this.#url = url
  }

  end(attempt: AttemptEnd): void {
    this.#telemetry.endAttempt(this.#span, this.#url, attempt)
  }
}

/** The span attributes of an endpoint, made once per URL (the SDK copies them into each span). */
const endpointCache = new Map<string, Attributes>()

function endpointAttributes(url: string): Attributes {
  let attributes = endpointCache.get(url)
  if (attributes === undefined) {
    const server = serverOf(url)
    attributes = {
      'http.request.method': 'POST',
      'url.full': url,
      'server.address': server.address,
      'server.port': server.port,
    }
    // Endpoints are configuration: a small set; the bound only guards against a pathological caller.
    if (endpointCache.size > 1000) endpointCache.clear()
    endpointCache.set(url, attributes)
  }
  return attributes
}

function gaugeAttributes(url: string): Attributes {
  return { 'server.address': serverOf(url).address, 'url.full': url }
}

/** The sender's telemetry for the `telemetry` option; undefined when off or when `@opentelemetry/api` is missing. */
export function createSenderTelemetry(option: unknown): SenderTelemetry | undefined {
  const options = checkTelemetry(option)
  if (options === false) return undefined
  const api = otelApi()
  return api === undefined ? undefined : new SenderTelemetry(api, options)
}
