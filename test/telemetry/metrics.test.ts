/**
 * Issue 14, metrics, with the real OpenTelemetry SDK (an in-memory reader): `webhook.deliveries` by outcome,
 * `webhook.attempt.duration`, the queue and breaker gauges, and the receiver's `webhook.received`; nothing with
 * `telemetry: false`.
 */
import type { DataPoint, Histogram } from '@opentelemetry/sdk-metrics'
import { afterEach, describe, expect, it } from 'vitest'
import { withWebHooks } from '../../src/index.js'
import { createReceiver } from '../../src/receiver/index.js'
import { receiver, track } from '../core/setup.js'
import { serve } from '../helpers/serve.js'
import { type Sdk, startSdk } from './setup.js'

let sdk: Sdk | undefined
afterEach(async () => {
  await sdk?.shutdown()
  sdk = undefined
})

/** A `createReceiver` on 127.0.0.1 failing the first delivery (500), then handling them (204). */
async function flakyReceiver() {
  let calls = 0
  const rx = createReceiver()
  rx.on('*', () => {
    if (calls++ === 0) throw new Error('down for a moment')
  })
  const served = track(await serve(rx.node))
  return `${served.url}/`
}

const sumOf = (points: DataPoint<unknown>[], attributes: Record<string, unknown>) =>
  points
    .filter(point => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + (point.value as number), 0)

describe('metrics (issue 14)', () => {
  it('counts deliveries by outcome, times attempts, and counts what the receiver answered', async () => {
    sdk = startSdk()
    const flaky = await flakyReceiver()
    const refusing = await receiver(() => ({ status: 400 }))
    const vetoing = await receiver(() => ({ status: 403, body: '{"reason":"no"}' }))
    const call = track(
      withWebHooks(async () => 'ok', {
        hooks: [
          { method: 'ok', type: 'post', url: flaky, retry: { schedule: [10] } },
          { method: 'bad', type: 'post', url: refusing.url },
          { method: 'guarded', type: 'pre', url: vetoing.url, veto: true },
        ],
      })
    )
    await call('ok', {})
    await call('bad', {})
    await expect(call('guarded', {})).rejects.toMatchObject({ code: 'ERR_WEB_HOOK_VETOED' })
    const deliveries = () => sdk!.points('webhook.deliveries')
    let points: DataPoint<unknown>[] = []
    const end = Date.now() + 5000
    while (sumOf(points, {}) < 3 && Date.now() < end) {
      points = await deliveries()
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    const common = { 'server.address': '127.0.0.1' }
    expect(sumOf(points, { ...common, 'webhook.outcome': 'delivered', 'webhook.type': 'post' })).toBe(1)
    expect(sumOf(points, { ...common, 'webhook.outcome': 'given_up', 'webhook.type': 'post' })).toBe(1)
    expect(sumOf(points, { ...common, 'webhook.outcome': 'vetoed', 'webhook.type': 'pre' })).toBe(1)
    expect(sumOf(points, {})).toBe(3)

    const durations = await sdk.points('webhook.attempt.duration')
    const counts = (attributes: Record<string, unknown>) =>
      durations
        .filter(point => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
        .reduce((sum, point) => sum + (point.value as Histogram).count, 0)
    expect(counts({ 'http.response.status_code': 500, 'error.type': '500', ...common })).toBe(1)
    expect(counts({ 'http.response.status_code': 204, ...common })).toBe(1)
    expect(counts({ 'http.response.status_code': 400, 'error.type': '400' })).toBe(1)
    expect(counts({ 'http.response.status_code': 403 })).toBe(1)
    for (const point of durations) expect((point.value as Histogram).sum).toBeGreaterThan(0)

    const received = await sdk.points('webhook.received')
    expect(sumOf(received, { 'http.response.status_code': 500, 'webhook.type': 'post' })).toBe(1)
    expect(sumOf(received, { 'http.response.status_code': 204, 'webhook.type': 'post' })).toBe(1)
  })

  it('counts dropped deliveries and observes queue sizes and breaker states per endpoint', async () => {
    sdk = startSdk()
    let release: () => void = () => {}
    const held = new Promise<void>(resolve => {
      release = resolve
    })
    const slow = await receiver(async () => {
      await held
      return { status: 204 }
    })
    const failing = await receiver(() => ({ status: 500 }))
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [
          { method: 'slow', type: 'post', url: slow.url, concurrency: 1 },
          { method: 'fail', type: 'post', url: failing.url, retry: false },
        ],
        queue: { maxSizePerEndpoint: 3, overflow: 'drop-newest' },
        breaker: { threshold: 1, cooldown: 60_000 },
      })
    )
    for (let index = 0; index < 5; index++) await call('slow', {})
    await call('fail', {})
    await slow.waitFor(1)
    const at = (points: DataPoint<unknown>[], url: string) =>
      points.find(point => point.attributes['url.full'] === url)?.value
    let breaker: DataPoint<unknown>[] = []
    const end = Date.now() + 5000
    while (at(breaker, failing.url.endsWith('/') ? failing.url : `${failing.url}/`) !== 2 && Date.now() < end) {
      breaker = await sdk.points('webhook.endpoint.breaker')
      await new Promise(resolve => setTimeout(resolve, 10))
    }
    const slowUrl = `${slow.url}/`
    const failingUrl = `${failing.url}/`
    expect(at(breaker, failingUrl)).toBe(2)
    expect(at(breaker, slowUrl)).toBe(0)
    const queue = await sdk.points('webhook.queue.size')
    // One in flight, two queued, two dropped (drop-newest at 3 pending).
    expect(at(queue, slowUrl)).toBe(2)
    expect(queue.find(point => point.attributes['url.full'] === slowUrl)?.attributes['server.address']).toBe(
      '127.0.0.1'
    )
    const deliveries = await sdk.points('webhook.deliveries')
    expect(sumOf(deliveries, { 'webhook.outcome': 'dropped', 'webhook.type': 'post' })).toBe(2)
    release()
    await slow.waitFor(3)
  })

  it('records nothing with telemetry: false (sender and receiver)', async () => {
    sdk = startSdk()
    const rx = createReceiver({ telemetry: false })
    const served = track(await serve(rx.node))
    const url = `${served.url}/`
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'm', type: 'pre', url, waitForResponse: true }],
        telemetry: false,
      })
    )
    await call('m', {})
    for (const name of ['webhook.deliveries', 'webhook.attempt.duration', 'webhook.queue.size', 'webhook.received']) {
      expect(await sdk.points(name)).toEqual([])
    }
  })
})
