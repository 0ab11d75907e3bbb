/** The node:http adapter (node:http, Express, Fastify's raw request and reply): moves bytes, the router decides. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { type DashboardRequest, OUTSIDE } from './http.js'
import { readNodeBody } from '../receiver/read-body.js'
import { BODY_TIMEOUT, type Router } from './router.js'

type NodeRequest = IncomingMessage & { baseUrl?: string; originalUrl?: string; body?: unknown }

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

/**
 * An action's body as text, read by the receiver's reader (src/receiver/read-body.ts) within `limit` and
 * `BODY_TIMEOUT`; `unread` is told when it stopped before the body's end.
 */
async function readText(
  req: NodeRequest,
  limit: number,
  unread: (why: 'too large' | 'timeout') => void
): Promise<string | 'too large' | 'timeout'> {
  // A body parser already read it (express.json()): what it parsed, as JSON again.
  if (req.body !== undefined && req.readableEnded) {
    const text = typeof req.body === 'string' ? req.body : JSON.stringify(req.body)
    return Buffer.byteLength(text) > limit ? 'too large' : text
  }
  const body = await readNodeBody(req, limit, BODY_TIMEOUT)
  if (typeof body === 'string') unread(body)
  return typeof body === 'string' ? body : body.toString('utf8')
}

/** The mount point: `basePath`, else Express's `req.baseUrl` (req.url is then already relative to it). */
export function toRequest(
  req: NodeRequest,
  basePath: string | undefined,
  unread: (why: 'too large' | 'timeout') => void = () => {}
): DashboardRequest {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const fullPath = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost').pathname
  let path = url.pathname
  if (basePath !== undefined) {
    path = fullPath.startsWith(basePath) ? fullPath.slice(basePath.length) : OUTSIDE
  } else if (req.baseUrl !== undefined && req.originalUrl !== undefined) {
    path = fullPath.slice(req.baseUrl.length)
  }
  // `/hooksfoo` under `/hooks` is outside too.
  if (path !== '' && !path.startsWith('/')) path = OUTSIDE
  return {
    method: req.method ?? 'GET',
    path,
    query: url.searchParams,
    headers: headersOf(req),
    raw: req,
    fullPath,
    secure: (req.socket as TLSSocket).encrypted === true,
    readBody: limit => readText(req, limit, unread),
  }
}

/**
 * An action's body not read to its end: the connection is not kept alive (as the receiver's); when the client is still
 * sending after `BODY_TIMEOUT`, the socket goes once the 408 is out.
 */
function closeUnread(req: IncomingMessage, res: ServerResponse, why: 'too large' | 'timeout'): void {
  res.setHeader('connection', 'close')
  if (why === 'timeout') res.once('finish', () => req.socket.destroy())
}

export function createNodeHandler(router: Router, basePath: string | undefined) {
  return async (req: NodeRequest, res: ServerResponse): Promise<void> => {
    const response = await router.handle(toRequest(req, basePath, why => closeUnread(req, res, why)))
    if (res.headersSent || res.destroyed) return
    if ('stream' in response) {
      res.writeHead(response.status, response.headers)
      res.flushHeaders()
      const stop = response.stream({
        write: chunk => res.writableNeedDrain || res.write(chunk),
        end: () => res.end(),
      })
      res.on('close', stop)
      return
    }
    res.writeHead(response.status, response.headers)
    res.end(req.method === 'HEAD' ? undefined : response.body)
  }
}
