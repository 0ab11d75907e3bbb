/**
 * The receiver's telemetry (issue 14): extracts the sender's trace context from the request headers and runs the
 * handlers inside a SERVER span, child of the sender's attempt span; counts `webhook.received`. Imports only the
 * optional API and the shared telemetry modules: the receiver entry loads no sender code.
 */
import type { Counter, Tracer } from '@opentelemetry/api'
import { otelApi, type OtelApi } from './api.js'
import { checkTelemetry } from './check.js'
import { meterCache, tracerCache } from './scope.js'
import type { WebHookTelemetryOptions } from './types.js'

/** What the span learns of the payload once parsed. */
export interface ReceivedPayload {
  type: 'pre' | 'post'
  method: string
}

export class ReceiverTelemetry {
  readonly #api: OtelApi
  readonly #options: WebHookTelemetryOptions
  readonly #received: () => Counter
  readonly #tracer: () => Tracer

  constructor(api: OtelApi, options: WebHookTelemetryOptions) {
    this.#api = api
    this.#options = options
    this.#tracer = tracerCache(api, options)
    this.#received = meterCache(api, options, meter =>
      meter.createCounter('webhook.received', { description: 'Web hooks received, by answer', unit: '{request}' })
    )
  }

  /**
   * Runs `process` (which calls `mark` once the payload is parsed) inside a SERVER span whose parent is the context in
   * `headers` (lower-case names); the answer's status sets the span's status (5xx: error) and the counter's labels.
   */
  async serve<R extends { status: number }>(
    headers: Record<string, string>,
    process: (mark: (payload: ReceivedPayload) => void) => Promise<R>
  ): Promise<R> {
    const api = this.#api
    const { propagator } = this.#options
    const parent =
      propagator === undefined
        ? api.propagation.extract(api.ROOT_CONTEXT, headers)
        : propagator.extract(api.ROOT_CONTEXT, headers, api.defaultTextMapGetter)
    const id = headers['webhook-id']
    const span = this.#tracer().startSpan(
      'webhook receive',
      {
        kind: api.SpanKind.SERVER,
        attributes: { 'http.request.method': 'POST', ...(id === undefined ? {} : { 'webhook.id': id }) },
      },
      parent
    )
    let type: string | undefined
    const mark = (payload: ReceivedPayload) => {
      type = payload.type
      span.updateName(`webhook ${payload.type} ${payload.method}`)
      span.setAttributes({ 'webhook.type': payload.type, 'rpc.method': payload.method })
    }
    try {
      const response = await api.context.with(api.trace.setSpan(parent, span), () => process(mark))
      span.setAttribute('http.response.status_code', response.status)
      if (response.status >= 500) {
        span.setAttribute('error.type', String(response.status))
        span.setStatus({ code: api.SpanStatusCode.ERROR })
      }
      this.#received().add(1, {
        'http.response.status_code': response.status,
        ...(type === undefined ? {} : { 'webhook.type': type }),
      })
      return response
    } catch (error) {
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) })
      throw error
    } finally {
      span.end()
    }
  }
}

/** The receiver's telemetry for the `telemetry` option (validated: `WebHookConfigError`); undefined when off. */
export function createReceiverTelemetry(option: unknown): ReceiverTelemetry | undefined {
  const options = checkTelemetry(option)
  if (options === false) return undefined
  const api = otelApi()
  return api === undefined ? undefined : new ReceiverTelemetry(api, options)
}
