/**
 * The instrumentation scope (issue 14): tracers and meters named `rpc-web-hooks`, with the package's version. Shared
 * by the sender and the receiver; imports nothing but the optional API.
 */
import type { Meter, MeterProvider, Tracer, TracerProvider } from '@opentelemetry/api'
import type { OtelApi } from './api.js'
import type { WebHookTelemetryOptions } from './types.js'

export const SCOPE_NAME = 'rpc-web-hooks'
/** Replaced by the package's version at build time (tsup and vitest `define`); not bundling package.json itself. */
declare const __RPC_WEB_HOOKS_VERSION__: string | undefined
export const SCOPE_VERSION: string =
  typeof __RPC_WEB_HOOKS_VERSION__ === 'string' ? __RPC_WEB_HOOKS_VERSION__ : '0.0.0-source'

/**
 * The tracer, looked up once per provider instead of once per span (issue 14's cost bar: `getTracer` builds a key and
 * searches a map on every call). The explicit provider's, or the global one; the global provider is a proxy whose
 * delegate an SDK sets when it registers, so the cache also follows the delegate: an SDK registered later is used.
 */
export function tracerCache(api: OtelApi, options: WebHookTelemetryOptions): () => Tracer {
  let provider: TracerProvider | undefined
  let delegate: TracerProvider | undefined
  let tracer: Tracer | undefined
  return () => {
    const current = options.tracerProvider ?? api.trace.getTracerProvider()
    const inner = (current as { getDelegate?: () => TracerProvider }).getDelegate?.()
    if (current !== provider || inner !== delegate || tracer === undefined) {
      provider = current
      delegate = inner
      tracer = current.getTracer(SCOPE_NAME, SCOPE_VERSION)
    }
    return tracer
  }
}

/**
 * The meter, looked up again when the global meter provider changes (the API has no proxy meter provider: a meter
 * taken before the SDK registered would stay a no-op). `make` builds the instruments once per meter.
 */
export function meterCache<T>(api: OtelApi, options: WebHookTelemetryOptions, make: (meter: Meter) => T): () => T {
  let provider: MeterProvider | undefined
  let instruments: T | undefined
  return () => {
    const current = options.meterProvider ?? api.metrics.getMeterProvider()
    if (current !== provider || instruments === undefined) {
      provider = current
      instruments = make(current.getMeter(SCOPE_NAME, SCOPE_VERSION))
    }
    return instruments
  }
}
