/**
 * Prometheus with prom-client, without the OpenTelemetry SDK (issue 14, docs/telemetry.md): a collector that reads
 * `.webHooks.stats()` at each scrape and sets one gauge per figure and endpoint.
 *
 * Run it: `npx tsx examples/telemetry-prom-client.ts`, then `curl http://127.0.0.1:9465/metrics`.
 */
import { createServer, type Server } from 'node:http'
import { Gauge, Registry } from 'prom-client'
// In your code: from 'rpc-web-hooks'
import type { WebHookStats } from '../src/index.js'

const BREAKER = { closed: 0, 'half-open': 1, open: 2 } as const

/**
 * Registers the web hooks' gauges on `registry`, read from `stats()` at each scrape (`rpc.webHooks.stats`).
 * Counters since start: `webhook_endpoint_delivered`, `_failed`, `_retried`, `_dropped`; now: `webhook_queue_size`,
 * `webhook_in_flight`, `webhook_endpoint_breaker` (0 closed, 1 half-open, 2 open); labelled by `url`.
 */
export function webHooksCollector(registry: Registry, stats: () => WebHookStats): void {
  const figures = {
    webhook_queue_size: ['Deliveries waiting, per endpoint', s => s.queued],
    webhook_in_flight: ['Requests in flight, per endpoint', s => s.inFlight],
    webhook_endpoint_delivered: ['Deliveries delivered since start', s => s.delivered],
    webhook_endpoint_failed: ['Deliveries given up since start', s => s.failed],
    webhook_endpoint_retried: ['Attempts retried since start', s => s.retried],
    webhook_endpoint_dropped: ['Deliveries dropped since start', s => s.dropped],
    webhook_endpoint_breaker: ['Circuit breaker: 0 closed, 1 half-open, 2 open', s => BREAKER[s.breaker]],
  } satisfies Record<string, [string, (endpoint: WebHookStats['endpoints'][string]) => number]>
  for (const [name, [help, read]] of Object.entries(figures)) {
    new Gauge({
      name,
      help,
      labelNames: ['url'],
      registers: [registry],
      collect() {
        this.reset()
        for (const [url, endpoint] of Object.entries(stats().endpoints)) this.set({ url }, read(endpoint))
      },
    })
  }
}

/** A `/metrics` server for `registry`. */
export function metricsServer(registry: Registry): Server {
  return createServer(async (request, response) => {
    if (request.url !== '/metrics') return void response.writeHead(404).end()
    response.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics())
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const registry = new Registry()
  webHooksCollector(registry, () => ({ endpoints: {}, queued: 0, dropped: 0 }))
  metricsServer(registry).listen(9465, '127.0.0.1', () => console.log('metrics on http://127.0.0.1:9465/metrics'))
}
