/**
 * The node:http adapter: `(req, res)` for node:http, Express and Fastify's raw request and reply. It only moves bytes:
 * the request flow (`flow.ts`) decides.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ReceivedBody, ServeRequest } from './core.js'
import { readNodeBody } from './read-body.js'

export function createNodeAdapter(serve: ServeRequest) {
  return async (req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> => {
    const { response, close, destroy } = await serve({ method: req.method, headers: req.headers, body: bodyOf(req) })
    if (destroy) res.once('finish', () => req.socket.destroy())
    if (res.headersSent || res.destroyed) return
    if (close) res.setHeader('connection', 'close')
    res.writeHead(response.status, response.headers)
    res.end(response.body)
  }
}

/** The body as a body parser left it (a Buffer or string from express.raw, an object from express.json), or unread. */
function bodyOf(req: IncomingMessage & { body?: unknown }): ReceivedBody {
  const { body } = req
  if (typeof body === 'string' || body instanceof Uint8Array) return { kind: 'raw', value: body }
  if (body !== undefined && body !== null && typeof body === 'object' && req.readableEnded) {
    return { kind: 'parsed', value: body }
  }
  return { kind: 'stream', read: (limit, timeout) => readNodeBody(req, limit, timeout) }
}
