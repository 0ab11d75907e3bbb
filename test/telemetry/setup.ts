/**
 * The real OpenTelemetry SDK for telemetry tests (issue 14): an in-memory span exporter, an in-memory metric reader,
 * the async-hooks context manager and the W3C propagator, registered globally (each test file runs in its own worker)
 * and reset after each test.
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  AggregationTemporality,
  type DataPoint,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'

/** A metric reader collected on demand. */
export class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE })
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface Sdk {
  spans: InMemorySpanExporter
  tracerProvider: BasicTracerProvider
  meterProvider: MeterProvider
  reader: TestMetricReader
  /** The data points of metric `name`, collected now. */
  points(name: string): Promise<DataPoint<unknown>[]>
  finished(): ReadableSpan[]
  shutdown(): Promise<void>
}

/** A fresh SDK; `global` registers it as OpenTelemetry's global providers (what an application's SDK setup does). */
export function startSdk(options: { global?: boolean } = {}): Sdk {
  const spans = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] })
  const reader = new TestMetricReader()
  const meterProvider = new MeterProvider({ readers: [reader] })
  if (options.global !== false) {
    trace.setGlobalTracerProvider(tracerProvider)
    metrics.setGlobalMeterProvider(meterProvider)
  }
  return {
    spans,
    tracerProvider,
    meterProvider,
    reader,
    async points(name) {
      const { resourceMetrics } = (await reader.collect()) as { resourceMetrics: ResourceMetrics }
      const found: DataPoint<unknown>[] = []
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) if (metric.descriptor.name === name) found.push(...metric.dataPoints)
      }
      return found
    },
    finished: () => spans.getFinishedSpans(),
    async shutdown() {
      trace.disable()
      metrics.disable()
      await tracerProvider.shutdown()
      await meterProvider.shutdown()
    },
  }
}

/** The context manager and propagator every OpenTelemetry setup registers; once per test file. */
export function registerContext(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
}
