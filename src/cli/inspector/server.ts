/**
 * The inspector's own HTTP server (`listen --ui`): the page, its script and style, the requests kept (JSON), their
 * arrival pushed with Server-Sent Events, and "send again" (a POST). It listens on loopback only, answers only requests
 * addressed to loopback (a DNS-rebinding page cannot reach it), and takes a POST only from its own origin with the
 * page's CSRF token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { clientScript } from './client.js'
import { InspectorHttpError, SECURITY_HEADERS, send, sendError, sendJson } from './http.js'
import { pageHtml, STYLE } from './page.js'
import { resend } from './resend.js'
import type { InspectorStore } from './store.js'

export interface Inspector {
  url: string
  close(): Promise<void>
}

export interface InspectorOptions {
  store: InspectorStore
  port: number
  /** The listener's URL: where "send again" goes when no other URL is given. */
  listenerUrl: string
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export async function startInspector({ store, port, listenerUrl }: InspectorOptions): Promise<Inspector> {
  const token = randomBytes(24).toString('base64url')
  const streams = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    route(req, res).catch(error => {
      if (res.headersSent) return void res.destroy()
      sendError(res, error instanceof InspectorHttpError ? error : failed(error))
    })
  })

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkHost(req, address.port)
    const path = new URL(req.url ?? '/', 'http://inspector').pathname
    const resending = /^\/api\/requests\/([^/]+)\/resend$/.exec(path)
    if (resending !== null) {
      allow(req, 'POST')
      checkOrigin(req, token)
      const { status, body } = await resend(store, resending[1]!, await readJson(req), listenerUrl)
      return sendJson(res, 200, { status, body })
    }
    const get = GETS[path]
    if (get === undefined) {
      throw new InspectorHttpError(404, 'ERR_WEB_HOOK_INSPECTOR_NOT_FOUND', `No ${path} here: the page is at /.`)
    }
    allow(req, 'GET')
    get(res)
  }

  const GETS: Record<string, (res: ServerResponse) => void> = {
    '/': res => send(res, 200, 'text/html; charset=utf-8', pageHtml(token, store.size)),
    '/app.js': res => send(res, 200, 'text/javascript; charset=utf-8', clientScript()),
    '/app.css': res => send(res, 200, 'text/css; charset=utf-8', STYLE),
    // Asked for by every browser: nothing, rather than a 404 in the console.
    '/favicon.ico': res => void res.writeHead(204, SECURITY_HEADERS).end(),
    '/api/requests': res => sendJson(res, 200, { size: store.size, requests: store.list() }),
    '/api/events': res => {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8' })
      const push = (request: unknown) => res.write(`event: request\ndata: ${JSON.stringify(request)}\n\n`)
      res.write('retry: 1000\n\n')
      for (const request of store.list()) push(request)
      const unwatch = store.watch(push)
      streams.add(res)
      res.once('close', () => {
        unwatch()
        streams.delete(res)
      })
    },
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise(resolve => {
        for (const stream of streams) stream.end()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Only requests addressed to loopback: a page on another name that resolves here (DNS rebinding) is refused. */
function checkHost(req: IncomingMessage, port: number): void {
  const host = req.headers.host ?? ''
  const name = host.endsWith(`:${port}`) ? host.slice(0, -`:${port}`.length) : undefined
  if (name === undefined || !LOOPBACK.has(name.toLowerCase())) {
    throw new InspectorHttpError(
      403,
      'ERR_WEB_HOOK_INSPECTOR_HOST',
      `The inspector answers requests to 127.0.0.1:${port} or localhost:${port} only, got host ${JSON.stringify(host)}.`
    )
  }
}

function allow(req: IncomingMessage, method: 'GET' | 'POST'): void {
  if (req.method === method || (method === 'GET' && req.method === 'HEAD')) return
  throw new InspectorHttpError(
    405,
    'ERR_WEB_HOOK_INSPECTOR_METHOD',
    `${req.url} takes ${method}, got ${req.method}.`,
    method
  )
}

/** A POST must come from the page itself: its own origin, and the token the page was given. */
function checkOrigin(req: IncomingMessage, token: string): void {
  if (req.headers.origin !== `http://${req.headers.host}`) {
    throw new InspectorHttpError(
      403,
      'ERR_WEB_HOOK_INSPECTOR_ORIGIN',
      `Actions are taken from the inspector's own page only (origin http://${req.headers.host}), got origin ${JSON.stringify(req.headers.origin ?? 'none')}.`
    )
  }
  const given = Buffer.from(String(req.headers['x-csrf-token'] ?? ''))
  const expected = Buffer.from(token)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InspectorHttpError(
      403,
      'ERR_WEB_HOOK_INSPECTOR_CSRF',
      'Missing or wrong x-csrf-token header: reload the inspector page and use its buttons.'
    )
  }
}

const MAX_ACTION_BYTES = 16 * 1024

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') {
    throw new InspectorHttpError(
      415,
      'ERR_WEB_HOOK_INSPECTOR_CONTENT_TYPE',
      `Send the action as application/json, got ${JSON.stringify(type || 'none')}.`
    )
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_ACTION_BYTES) {
      throw new InspectorHttpError(
        413,
        'ERR_WEB_HOOK_INSPECTOR_TOO_LARGE',
        `An action's body is at most ${MAX_ACTION_BYTES} bytes: send { "url": … } only.`
      )
    }
    chunks.push(chunk)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
  } catch {
    throw new InspectorHttpError(400, 'ERR_WEB_HOOK_INSPECTOR_BAD_JSON', 'The body is not JSON: send { "url": … }.')
  }
}

function failed(error: unknown): InspectorHttpError {
  return new InspectorHttpError(500, 'ERR_WEB_HOOK_INSPECTOR_SEND_FAILED', `The inspector failed: ${String(error)}`)
}
