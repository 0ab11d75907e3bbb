/**
 * Issue 14: with `@opentelemetry/api` installed but no SDK registered (this file registers none), hooks go out and
 * are received exactly as before: no trace header is sent, handlers see no active span.
 */
import { trace } from '@opentelemetry/api'
import { describe, expect, it } from 'vitest'
import { withWebHooks } from '../../src/index.js'
import { createReceiver } from '../../src/receiver/index.js'
import { track } from '../core/setup.js'
import { serve } from '../helpers/serve.js'
import { until } from '../core/setup.js'

describe('API installed, no SDK (issue 14)', () => {
  it('sends and receives as before: no traceparent, no active span in handlers', async () => {
    const seen: Array<{ type: string; traceparent: string | undefined; span: boolean }> = []
    const rx = createReceiver()
    rx.on('*', ({ payload, headers }) => {
      seen.push({ type: payload.type, traceparent: headers.traceparent, span: trace.getActiveSpan() !== undefined })
    })
    const served = track(await serve(rx.node))
    const url = `${served.url}/`
    const call = track(
      withWebHooks(async (_method: string, params: { n: number }) => params.n + 1, {
        hooks: [{ method: 'm', type: 'pre/post', url, waitForResponse: true }],
      })
    )
    expect(await call('m', { n: 1 })).toBe(2)
    await until(() => seen.length === 2)
    expect(seen).toEqual([
      { type: 'pre', traceparent: undefined, span: false },
      { type: 'post', traceparent: undefined, span: false },
    ])
    await until(() => Object.values(call.webHooks.stats().endpoints)[0]?.delivered === 2)
    expect(Object.values(call.webHooks.stats().endpoints)[0]).toMatchObject({ delivered: 2, failed: 0 })
  })
})
