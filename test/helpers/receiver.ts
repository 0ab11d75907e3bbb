/**
 * A real HTTP receiver on 127.0.0.1 (port 0) that records what it gets and answers as a test tells it to.
 * Shared by every test that sends hooks; no fetch is mocked anywhere.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { serve } from './serve.js'

export interface ReceivedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  /** Raw body text. */
  body: string
  /** Parsed JSON body, or undefined when not JSON. */
  json: any
  /** ms since the epoch when the whole body had arrived. */
  receivedAt: number
}

/** What to answer: a status (and body), a delay, or a destroyed connection. */
export interface Reply {
  status?: number
  body?: string
  headers?: Record<string, string>
  /** Wait this long before answering, in ms. */
  delay?: number
  /** Destroy the socket instead of answering (a connection reset). */
  reset?: boolean
}

export type Responder = (request: ReceivedRequest, index: number) => Reply | undefined | Promise<Reply | undefined>

export interface TestReceiver {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  url: string
  port: number
  requests: ReceivedRequest[]
  /** Resolves once `count` requests (in all) have been received. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>
  /** Replace the responder (default: 200 with an empty body). */
  respond(responder: Responder): void
  close(): Promise<void>
}

export async function startReceiver(responder?: Responder, options: { port?: number } = {}): Promise<TestReceiver> {
  let respond: Responder = responder ?? (() => undefined)
  const requests: ReceivedRequest[] = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const sockets = new Set<Socket>()

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {}
    const request: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
      json,
      receivedAt: Date.now(),
    }
    const index = requests.push(request) - 1
    for (const waiter of [...waiters]) {
      if (requests.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
    const reply = (await respond(request, index)) ?? {}
    if (reply.delay) await new Promise(resolve => setTimeout(resolve, reply.delay))
    if (reply.reset) {
      req.socket.destroy()
      return
    }
    if (res.destroyed) return
    res.writeHead(reply.status ?? 200, reply.headers)
    res.end(reply.body ?? '')
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    waitFor(count, timeoutMs = 5000) {
      if (requests.length >= count) return Promise.resolve(requests)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`receiver: expected ${count} requests, got ${requests.length} within ${timeoutMs} ms`)),
          timeoutMs
        )
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer)
            resolve(requests)
          },
        })
      })
    },
    respond(next) {
      respond = next
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>(resolve => server.close(() => resolve()))
    },
  }
}

export interface EndlessReceiver {
  url: string
  /** Bytes written so far, over all requests. */
  written(): number
  /** Requests whose client went away before the end of the body. */
  disconnected(): number
  close(): Promise<void>
}

/**
 * A receiver on 127.0.0.1 that answers `status` with a body of `size` bytes (4 GiB by default) streamed in 64 KiB
 * chunks with backpressure, never allocated as a whole: it writes until the client disconnects.
 */
export async function startEndlessReceiver(
  options: { status?: number; size?: number; headers?: Record<string, string> } = {}
): Promise<EndlessReceiver> {
  const size = options.size ?? 4 * 1024 ** 3
  const chunk = Buffer.alloc(65_536, 'x')
  let written = 0
  let disconnected = 0
  const served = await serve((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(options.status ?? 200, { 'content-length': String(size), ...options.headers })
      let left = size
      const pump = () => {
        while (left > 0 && !res.destroyed) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
          left -= piece.length
          written += piece.length
          if (!res.write(piece)) return void res.once('drain', pump)
        }
        if (left === 0) res.end()
      }
      res.on('close', () => {
        if (left > 0) disconnected++
      })
      pump()
    })
  })
  return {
    url: served.url,
    written: () => written,
    disconnected: () => disconnected,
    close: () => served.close(),
  }
}
