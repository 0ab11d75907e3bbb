/** A node:http listener served on 127.0.0.1, port 0, its connections destroyed at close. */
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface Served {
  url: string
  close(): Promise<void>
}

/** Serves a node:http listener on 127.0.0.1, port 0. */
export async function serve(listener: RequestListener): Promise<Served> {
  const server = createServer(listener)
  const sockets = new Set<Socket>()
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise(resolve => server.close(() => resolve()))
    },
  }
}
