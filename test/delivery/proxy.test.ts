import { createServer, type Server } from 'node:http'
import { type AddressInfo, connect, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { undiciTransport } from '../../src/index.js'
import { receiver, record, until, wrap } from './helpers.js'

/** A minimal HTTP proxy: CONNECT tunnels (what undici uses), counting the targets. */
let proxy: Server
let proxyUrl: string
const tunnels: string[] = []
const sockets = new Set<Socket>()
const saved = { ...process.env }

beforeEach(async () => {
  tunnels.length = 0
  proxy = createServer((_request, response) => response.writeHead(405).end())
  proxy.on('connect', (request, client: Socket) => {
    tunnels.push(request.url ?? '')
    const [host, port] = (request.url ?? '').split(':')
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => sockets.delete(socket))
    }
  })
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})

afterEach(async () => {
  for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
  for (const socket of sockets) socket.destroy()
  await new Promise(resolve => proxy.close(resolve))
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
})
