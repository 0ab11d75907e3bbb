/**
 * Prometheus through the OpenTelemetry SDK (issue 14, docs/telemetry.md): the SDK's meter provider with
 * `@opentelemetry/exporter-prometheus`, its `/metrics` served by your own node:http server (or the exporter's own, on
 * port 9464, without `preventServerStart`). The web hooks' metrics (`webhook_deliveries_total`,
 * `webhook_attempt_duration` (seconds), `webhook_queue_size`, `webhook_endpoint_breaker`) appear there with no further
 * code: the library uses the global meter provider.
 *
 * Run it: `npx tsx examples/telemetry-prometheus.ts`, then `curl http://127.0.0.1:9464/metrics`.
 */
import { createServer, type Server } from 'node:http'
import { metrics } from '@opentelemetry/api'
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { MeterProvider } from '@opentelemetry/sdk-metrics'

/** Registers the SDK's meter provider with a Prometheus exporter; `/metrics` is served by the returned server. */
export function startPrometheusMetrics(): { server: Server; shutdown(): Promise<void> } {
  const exporter = new PrometheusExporter({ preventServerStart: true })
  const meterProvider = new MeterProvider({ readers: [exporter] })
  metrics.setGlobalMeterProvider(meterProvider)
  const server = createServer((request, response) => {
    if (request.url === '/metrics') exporter.getMetricsRequestHandler(request, response)
    else response.writeHead(404).end()
  })
  return {
    server,
    async shutdown() {
      await new Promise(resolve => server.close(resolve))
      await meterProvider.shutdown()
      metrics.disable()
    },
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { server } = startPrometheusMetrics()
  server.listen(9464, '127.0.0.1', () => console.log('metrics on http://127.0.0.1:9464/metrics'))
}
