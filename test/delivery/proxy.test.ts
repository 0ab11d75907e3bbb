import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { undiciTransport } from '../../src/index.js'
import { startProxy, type TestProxy } from '../helpers/proxy.js'
import { receiver, record, until, wrap } from '../core/setup.js'

let proxy: TestProxy
let proxyUrl: string
let tunnels: string[]
const saved = { ...process.env }

beforeEach(async () => {
  proxy = await startProxy()
  proxyUrl = proxy.url
  tunnels = proxy.tunnels
})

afterEach(async () => {
  for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
  await proxy.close()
})

async function deliverThrough(transport: ReturnType<typeof undiciTransport>) {
  const server = await receiver()
  const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url, retry: false }], transport })
  const events = record(call)
  await call('a', {})
  await until(() => events['delivery:succeeded'].length + events['delivery:given-up'].length === 1)
  await transport.close()
  return { server, events }
}

describe('proxy', () => {
  it('sends through an explicit proxy', async () => {
    const { server, events } = await deliverThrough(undiciTransport({ proxy: proxyUrl }))
    expect(events['delivery:succeeded']).toHaveLength(1)
    expect(tunnels).toEqual([`127.0.0.1:${server.port}`])
  })

  it('honours HTTP_PROXY from the environment', async () => {
    process.env.HTTP_PROXY = proxyUrl
    const { events } = await deliverThrough(undiciTransport())
    expect(events['delivery:succeeded']).toHaveLength(1)
    expect(tunnels).toHaveLength(1)
  })

  it('honours NO_PROXY', async () => {
    process.env.HTTP_PROXY = proxyUrl
    process.env.NO_PROXY = '127.0.0.1'
    const { events } = await deliverThrough(undiciTransport())
    expect(events['delivery:succeeded']).toHaveLength(1)
    expect(tunnels).toHaveLength(0)
  })

  it('proxy: false ignores the environment', async () => {
    process.env.HTTP_PROXY = proxyUrl
    const { events } = await deliverThrough(undiciTransport({ proxy: false }))
    expect(events['delivery:succeeded']).toHaveLength(1)
    expect(tunnels).toHaveLength(0)
  })

  describe('with safeUrls', () => {
    // The sender's own DNS view: `receiver.test` is 127.0.0.1 (the proxy resolves it the same way).
    const lookup = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }])
      else callback(null, '127.0.0.1', 4)
    }) as never

    /** One hook to `receiver.test` through the proxy of HTTP_PROXY (the engine's default transport), sent. */
    async function sendThroughProxy(safeUrls: { allow?: string[] }) {
      process.env.HTTP_PROXY = proxyUrl
      delete process.env.NO_PROXY
      delete process.env.no_proxy
      const server = await receiver()
      const call = wrap({
        hooks: [{ method: 'a', type: 'post', url: `http://receiver.test:${server.port}/`, retry: false }],
        safeUrls: { lookup, ...safeUrls },
      })
      const events = record(call)
      await call('a', {})
      await until(() => events['delivery:succeeded'].length + events['delivery:given-up'].length === 1)
      return { server, events }
    }

    it('checks the target before the request: the proxy would reach a loopback receiver, it is refused', async () => {
      const { server, events } = await sendThroughProxy({})
      expect(events['delivery:given-up'][0]!.error).toMatchObject({ code: 'ERR_WEB_HOOK_UNSAFE_URL' })
      expect(tunnels).toHaveLength(0)
      expect(server.requests).toHaveLength(0)
    })

    it('delivers through the proxy to an allowed target (the proxy itself is not checked)', async () => {
      const { server, events } = await sendThroughProxy({ allow: ['receiver.test'] })
      expect(events['delivery:succeeded']).toHaveLength(1)
      expect(tunnels).toEqual([`receiver.test:${server.port}`])
    })
  })
})
