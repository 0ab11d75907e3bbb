/**
 * A minimal HTTP proxy on 127.0.0.1 (port 0): CONNECT tunnels only (what undici uses), recording each target. Host
 * names ending in `.test` are resolved by the proxy to 127.0.0.1, as a proxy with its own DNS would.
 */
import { createServer } from 'node:http'
import { type AddressInfo, connect, type Socket } from 'node:net'

export interface TestProxy {
  url: string
  /** `host:port` of each tunnel asked for, in order. */
  tunnels: string[]
  close(): Promise<void>
}

export async function startProxy(): Promise<TestProxy> {
  const tunnels: string[] = []
  const sockets = new Set<Socket>()
  const proxy = createServer((_request, response) => response.writeHead(405).end())
  proxy.on('connect', (request, client: Socket) => {
    tunnels.push(request.url ?? '')
    const [host = '', port] = (request.url ?? '').split(':')
    const upstream = connect(Number(port), host.endsWith('.test') ? '127.0.0.1' : host, () => {
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
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    tunnels,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => proxy.close(resolve))
    },
  }
}
