/**
 * The public telemetry option of the sender (`withWebHooks`, `createWebHooks`) and of `createReceiver` (issue 14).
 *
 * @packageDocumentation
 */
import type { MeterProvider, TextMapPropagator, TracerProvider } from '@opentelemetry/api'

/**
 * Where traces and metrics go. Each field left out uses OpenTelemetry's global one (`trace.setGlobalTracerProvider`,
 * `metrics.setGlobalMeterProvider`, `propagation.setGlobalPropagator`), as the OpenTelemetry SDK registers them.
 * Without `@opentelemetry/api` installed, or with it but no SDK registered, nothing is recorded and nothing is spent.
 *
 * @example
 * telemetry: { tracerProvider: provider, meterProvider: new MeterProvider({ readers: [new PrometheusExporter()] }) }
 */
export interface WebHookTelemetryOptions {
  /** @default the global tracer provider */
  tracerProvider?: TracerProvider
  /** @default the global meter provider */
  meterProvider?: MeterProvider
  /** Injects (sender) or extracts (receiver) the trace context in HTTP headers. @default the global propagator */
  propagator?: TextMapPropagator
}

/** The `telemetry` option: the providers to use, or `false` to record nothing. @default {} (the global providers) */
export type WebHookTelemetry = WebHookTelemetryOptions | false
