/**
 * Issue 14, Prometheus: the two setups of docs/telemetry.md, each an example scraped over HTTP after real deliveries.
 */
import type { AddressInfo } from 'node:net'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { webHooksCollector, metricsServer } from '../../examples/telemetry-prom-client.js'
import { startPrometheusMetrics } from '../../examples/telemetry-prometheus.js'
import { withWebHooks } from '../../src/index.js'
import { receiver, track } from '../core/setup.js'
import { until } from '../core/setup.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function scrape(server: import('node:http').Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const response = await fetch(`http://127.0.0.1:${port}/metrics`)
  expect(response.status).toBe(200)
  return response.text()
}

async function deliverTwo() {
  const rx = await receiver()
  const call = track(withWebHooks(async () => 1, { hooks: [{ method: 'vm.start', type: 'post', url: rx.url }] }))
  await call('vm.start', {})
  await call('vm.start', {})
  await rx.waitFor(2)
  return { rx, call }
}

/** Waits until `count` deliveries were acknowledged (the receiver got them before the sender saw the answer). */
async function delivered(call: Awaited<ReturnType<typeof deliverTwo>>['call'], count: number): Promise<void> {
  const total = () => Object.values(call.webHooks.stats().endpoints).reduce((sum, e) => sum + e.delivered, 0)
  await until(() => total() === count)
}

describe('Prometheus (issue 14)', () => {
  it('examples/telemetry-prometheus.ts: /metrics has webhook_deliveries_total with its labels', async () => {
    const metrics = startPrometheusMetrics()
    cleanups.push(metrics.shutdown)
    const { call } = await deliverTwo()
    await delivered(call, 2)
    const text = await scrape(metrics.server)
    expect(text).toMatch(
      /^webhook_deliveries_total\{[^}]*webhook_outcome="delivered"[^}]*webhook_type="post"[^}]*server_address="127\.0\.0\.1"[^}]*\} 2/m
    )
    expect(text).toMatch(/^# TYPE webhook_attempt_duration histogram$/m)
    expect(text).toMatch(/^webhook_attempt_duration_count\{[^}]*http_response_status_code="200"[^}]*\} 2/m)
    expect(text).toMatch(/^webhook_attempt_duration_bucket\{[^}]*le="0\.005"[^}]*\} \d/m)
    expect(text).toMatch(/^webhook_queue_size\{[^}]*server_address="127\.0\.0\.1"[^}]*\} 0/m)
    expect(text).toMatch(/^webhook_endpoint_breaker\{[^}]*\} 0/m)
  })

  it('examples/telemetry-prom-client.ts: a collector reads stats() at each scrape', async () => {
    const { rx, call } = await deliverTwo()
    const registry = new Registry()
    webHooksCollector(registry, () => call.webHooks.stats())
    const server = metricsServer(registry)
    cleanups.push(() => new Promise(resolve => server.close(() => resolve())))
    await delivered(call, 2)
    const text = await scrape(server)
    expect(text).toContain(`webhook_endpoint_delivered{url="${rx.url}/"} 2`)
    expect(text).toContain(`webhook_queue_size{url="${rx.url}/"} 0`)
    expect(text).toContain(`webhook_endpoint_breaker{url="${rx.url}/"} 0`)
  })
})
