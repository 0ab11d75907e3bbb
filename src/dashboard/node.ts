/** The node:http adapter (node:http, Express, Fastify's raw request and reply): moves bytes, the router decides. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { type DashboardRequest, OUTSIDE } from './http.js'
import type { Router } from './router.js'

type NodeRequest = IncomingMessage & { baseUrl?: string; originalUrl?: string; body?: unknown }

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

function readBody(req: NodeRequest, limit: number): Promise<string | 'too large'> {
  // A body parser already read it (express.json()): what it parsed, as JSON again.
  if (req.body !== undefined && req.readableEnded) {
    const text = typeof req.body === 'string' ? req.body : JSON.stringify(req.body)
    return Promise.resolve(Buffer.byteLength(text) > limit ? 'too large' : text)
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > limit ? 'too large' : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** The mount point: `basePath`, else Express's `req.baseUrl` (req.url is then already relative to it). */
export function toRequest(req: NodeRequest, basePath: string | undefined): DashboardRequest {
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
    readBody: limit => readBody(req, limit),
  }
}

export function createNodeHandler(router: Router, basePath: string | undefined) {
  return async (req: NodeRequest, res: ServerResponse): Promise<void> => {
    const response = await router.handle(toRequest(req, basePath))
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
