/**
 * The node:http adapter: `(req, res)` for node:http, Express and Fastify's raw request and reply. It only moves bytes:
 * the request flow (`flow.ts`) decides.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ReceivedBody, ServeRequest } from './core.js'

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
  return { kind: 'stream', read: (limit, timeout) => readBody(req, limit, timeout) }
}

/**
 * The whole body; `too large` once it grows past `limit`: from there the rest is read and dropped (not kept), because
 * destroying the request would reset the connection before the 413 could be sent; `timeout` when it is not complete
 * within `timeout` ms (issue 13: a trickling client is otherwise held as long as Node's server timeouts allow).
 */
function readBody(req: IncomingMessage, limit: number, timeout: number): Promise<Buffer | 'too large' | 'timeout'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = (outcome: 'too large' | 'timeout') => {
      // Still flowing with no 'data' listener: the rest is drained and dropped.
      cleanup()
      req.on('error', () => {})
      resolve(outcome)
    }
    const timer = setTimeout(() => stop('timeout'), timeout)
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
      else stop('too large')
    }
    const onEnd = () => {
      cleanup()
      resolve(Buffer.concat(chunks))
    }
    const onClose = () => {
      cleanup()
      reject(new Error('The request was aborted before its body was complete.'))
    }
    const cleanup = () => {
      clearTimeout(timer)
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onClose)
      req.off('close', onClose)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onClose)
    req.on('close', onClose)
  })
}
