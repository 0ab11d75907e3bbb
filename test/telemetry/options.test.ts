/** Issue 14: a bad `telemetry` option is a coded `WebHookConfigError`, for the sender and the receiver alike. */
import { describe, expect, it } from 'vitest'
import { WebHookConfigError, withWebHooks } from '../../src/index.js'
import { createReceiver } from '../../src/receiver/index.js'
import { receiver, track } from '../core/setup.js'

const bad: Array<[string, unknown, string]> = [
  ['a string', 'on', 'telemetry'],
  ['true', true, 'telemetry'],
  ['an array', [], 'telemetry'],
  ['a tracerProvider without getTracer', { tracerProvider: {} }, 'telemetry.tracerProvider'],
  ['a meterProvider that is a number', { meterProvider: 3 }, 'telemetry.meterProvider'],
  ['a propagator without inject', { propagator: { extract() {} } }, 'telemetry.propagator'],
]

describe('telemetry option (issue 14)', () => {
  it.each(bad)('refuses %s with ERR_WEB_HOOK_CONFIG_TYPE at its path', (_name, telemetry, path) => {
    const sender = () => withWebHooks(() => 1, { hooks: [], telemetry } as never)
    const receiving = () => createReceiver({ telemetry } as never)
    for (const make of [sender, receiving]) {
      expect(make).toThrow(WebHookConfigError)
      try {
        make()
      } catch (error) {
        expect(error).toMatchObject({ code: 'ERR_WEB_HOOK_CONFIG_TYPE' })
        expect((error as Error).message).toContain(path)
      }
    }
  })

  it('after a refused option, a valid one works as before', async () => {
    expect(() => withWebHooks(() => 1, { hooks: [], telemetry: 'on' } as never)).toThrow(WebHookConfigError)
    const rx = await receiver()
    const call = track(
      withWebHooks(async () => 2, { hooks: [{ method: 'm', type: 'post', url: rx.url }], telemetry: {} })
    )
    expect(await call('m', {})).toBe(2)
    const [request] = await rx.waitFor(1)
    expect(request!.json.result).toBe(2)
  })

  it('configure() refuses a bad telemetry value too, and the running wrapper keeps its hooks', async () => {
    const rx = await receiver()
    const call = track(withWebHooks(async () => 3, { hooks: [{ method: 'm', type: 'post', url: rx.url }] }))
    const next = { hooks: [{ method: 'other', type: 'post', url: rx.url }], telemetry: 'on' }
    expect(() => call.webHooks.configure(next as never)).toThrow(
      expect.objectContaining({ code: 'ERR_WEB_HOOK_CONFIG_TYPE', message: expect.stringContaining('telemetry') })
    )
    expect(await call('m', {})).toBe(3)
    const [request] = await rx.waitFor(1)
    expect(request!.json).toMatchObject({ method: 'm', result: 3 })
  })
})
