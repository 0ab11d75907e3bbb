import { describe, expect, it } from 'vitest'
import { WebHookConfigError, withWebHooks } from '../../src/index.js'
import { receiver, settle, sleep, track } from '../core/setup.js'

const retry = { retries: 1, minDelay: 5, maxDelay: 5, jitter: false }

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await sleep(10)
  }
}

describe('webHooks.history()', () => {
  it('records each attempt, newest first, with per-endpoint counts, series and last error', async () => {
    const ok = await receiver()
    const bad = await receiver(() => ({ status: 500 }))
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [
          { method: 'vm.start', type: 'pre', url: `${ok.url}/ok`, format: 'json' },
          { method: 'vm.stop', type: 'pre', url: `http://user:pass@127.0.0.1:${bad.port}/bad`, format: 'json', retry },
        ],
      })
    )
    await call('vm.start', { id: 1 }, undefined)
    await call('vm.stop', {}, undefined)
    await until(() => call.webHooks.stats().endpoints[`${bad.url}/bad`]?.failed === 1)
    await settle(ok)

    const history = call.webHooks.history()
    expect(history.enabled).toBe(true)
    expect(history.size).toBe(2000)
    expect(history.attempts.map(a => [a.method, a.outcome, a.attempt, a.status])).toEqual([
      ['vm.stop', 'failed', 2, 500],
      ['vm.stop', 'retry', 1, 500],
      ['vm.start', 'delivered', 1, 200],
    ])
    const failed = history.attempts[0]!
    expect(failed.url).toBe(`${bad.url}/bad`)
    expect(failed.errorCode).toBe('ERR_WEB_HOOK_DELIVERY_STATUS')
    expect(JSON.stringify(history)).not.toContain('pass')

    const good = history.endpoints[`${ok.url}/ok`]!
    expect(good.last5m).toMatchObject({ delivered: 1, failed: 0, attempts: 1, successRate: 1 })
    expect(good.last1h).toMatchObject({ delivered: 1, failed: 0, attempts: 1, successRate: 1 })
    expect(good.series.delivered).toHaveLength(300)
    expect(good.series.delivered.reduce((a, b) => a + b, 0)).toBe(1)
    expect(good.lastError).toBeUndefined()
    const down = history.endpoints[`${bad.url}/bad`]!
    expect(down.last5m).toMatchObject({ delivered: 0, failed: 1, attempts: 2, successRate: 0 })
    expect(down.series.failed.reduce((a, b) => a + b, 0)).toBe(2)
    expect(down.lastError?.code).toBe('ERR_WEB_HOOK_DELIVERY_STATUS')
  })

  it('filters by endpoint, method, outcome and delivery, and returns the body sent', async () => {
    const rx = await receiver((_, index) => (index === 0 ? { status: 503 } : undefined))
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.*', type: 'pre', url: rx.url, format: 'json', retry }],
        redact: { keys: ['password'] },
      })
    )
    await call('vm.start', { password: 'hunter2' }, undefined)
    await call('vm.stop', {}, undefined)
    await rx.waitFor(3)
    await settle(rx)
    const { webHooks } = call
    expect(webHooks.history({ method: 'vm.stop' }).attempts.map(a => a.method)).toEqual(['vm.stop'])
    expect(webHooks.history({ outcome: 'retry' }).attempts).toHaveLength(1)
    expect(webHooks.history({ url: 'http://127.0.0.1:1/' }).attempts).toEqual([])
    expect(webHooks.history({ limit: 1 }).attempts).toHaveLength(1)
    const first = webHooks.history({ method: 'vm.start' }).attempts.at(-1)!
    const delivery = webHooks.history({ deliveryId: first.deliveryId })
    expect(delivery.attempts.map(a => a.outcome)).toEqual(expect.arrayContaining(['delivered']))
    expect(delivery.body).toBe(rx.requests.find(r => r.json.method === 'vm.start')!.body)
    expect(delivery.body).not.toContain('hunter2')
    expect(webHooks.history().body).toBeUndefined()
  })

  it('keeps at most `size` attempts', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }],
        history: { size: 3 },
      })
    )
    for (let i = 0; i < 5; i++) await call('vm.start', {}, undefined)
    await rx.waitFor(5)
    await until(() => call.webHooks.stats().endpoints[`${rx.url}/`]?.delivered === 5)
    const history = call.webHooks.history({ limit: 10 })
    expect(history.size).toBe(3)
    expect(history.attempts).toHaveLength(3)
    expect(history.endpoints[`${rx.url}/`]?.last5m.delivered).toBe(5)
    call.webHooks.configure({ hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }] })
    expect(call.webHooks.history().size).toBe(2000)
    expect(call.webHooks.history().attempts).toHaveLength(3)
  })

  it('`history: false` records nothing', async () => {
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 1, {
        hooks: [{ method: 'vm.start', type: 'pre', url: rx.url, format: 'json' }],
        history: false,
      })
    )
    await call('vm.start', {}, undefined)
    await rx.waitFor(1)
    expect(call.webHooks.history()).toMatchObject({ enabled: false, size: 0, attempts: [], endpoints: {} })
  })

  it.each([0, -1, 1.5, '10', 2_000_000])('refuses history.size %j with a clear error', size => {
    const make = () => withWebHooks(async () => 1, { hooks: [], history: { size: size as number } })
    expect(make).toThrow(WebHookConfigError)
    expect(make).toThrow(/history\.size: must be an integer from 1 to 1000000/)
  })

  it('refuses an unknown history key and a non-object', () => {
    expect(() => withWebHooks(async () => 1, { hooks: [], history: { sise: 3 } as never })).toThrow(/history\.sise/)
    expect(() => withWebHooks(async () => 1, { hooks: [], history: true as never })).toThrow(WebHookConfigError)
  })
})
