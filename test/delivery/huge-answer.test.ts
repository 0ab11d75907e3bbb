/**
 * Issue 13, item 4: a receiver answering a multi-GB body. Every transport reads at most `maxResponseBody` (a few
 * KiB) and drops the connection; the delivery succeeds and the process memory stays bounded.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { kyTransport, undiciTransport, type WebHookTransport } from '../../src/index.js'
import { type EndlessReceiver, startEndlessReceiver } from '../helpers/receiver.js'
import { record, until, wrap } from '../core/setup.js'

const transports: Array<[string, () => WebHookTransport | undefined]> = [
  ['the default transport', () => undefined],
  ['undiciTransport', () => undiciTransport({ proxy: false })],
  ['kyTransport', () => kyTransport()],
]

let server: EndlessReceiver | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe.each(transports)('a 4 GiB answer through %s', (_name, make) => {
  it('is read up to maxResponseBody only, the delivery succeeds, memory stays bounded', async () => {
    server = await startEndlessReceiver()
    const transport = make()
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: server.url, retry: false }],
      ...(transport === undefined ? {} : { transport }),
    })
    const events = record(call)
    const before = process.memoryUsage().rss
    for (let index = 0; index < 5; index++) await call('a', { index })
    await until(() => events['delivery:succeeded'].length + events['delivery:given-up'].length === 5, 20_000)
    expect(events['delivery:given-up']).toEqual([])
    const grown = process.memoryUsage().rss - before
    // Generous: five bodies read in full would be 20 GiB; capped reads stay within a few MiB each.
    expect(grown).toBeLessThan(256 * 1024 ** 2)
    await until(() => server!.disconnected() === 5, 10_000)
    expect(server.written()).toBeLessThan(5 * 256 * 1024 ** 2)
  }, 40_000)

  it('keeps the first maxResponseBody characters of a failed answer', async () => {
    server = await startEndlessReceiver({ status: 500 })
    const transport = make()
    const call = wrap({
      hooks: [{ method: 'a', type: 'post', url: server.url, retry: false }],
      ...(transport === undefined ? {} : { transport }),
    })
    const events = record(call)
    await call('a', {})
    await until(() => events['delivery:given-up'].length === 1, 20_000)
    const error = events['delivery:given-up'][0]!.error as unknown as { code: string; body: string }
    expect(error.code).toBe('ERR_WEB_HOOK_DELIVERY_STATUS')
    expect(error.body).toBe('x'.repeat(4096))
  }, 40_000)
})
