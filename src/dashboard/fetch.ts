/** The fetch adapter (Hono, Bun, Deno, workers): moves bytes, the router decides. */
import { type DashboardRequest, OUTSIDE } from './http.js'
import type { Router } from './router.js'
import { readFetchBody } from '../receiver/read-body.js'

/** An action's body as text, read within `limit` by the receiver's reader (its host's timeouts bound a slow one). */
async function readText(request: Request, limit: number): Promise<string | 'too large'> {
  const body = await readFetchBody(request, limit)
  return body === 'too large' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
}

export function toRequest(request: Request, basePath: string): DashboardRequest {
  const url = new URL(request.url)
  const rest = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : OUTSIDE
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    headers[name] = value
  })
  // The host a same-origin check compares `Origin` with: fetch requests carry the URL's.
  headers.host ??= url.host
  return {
    method: request.method,
    // `/hooksfoo` under `/hooks` is outside too.
    path: rest === '' || rest.startsWith('/') ? rest : OUTSIDE,
    query: url.searchParams,
    headers,
    raw: request,
    fullPath: url.pathname,
    secure: url.protocol === 'https:',
    readBody: limit => readText(request, limit),
  }
}

export function createFetchHandler(router: Router, basePath: string) {
  return async (request: Request): Promise<Response> => {
    const response = await router.handle(toRequest(request, basePath))
    if ('stream' in response) {
      let stop: (() => void) | undefined
      const encoder = new TextEncoder()
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          let open = true
          stop = response.stream({
            write(chunk) {
              if (!open || (controller.desiredSize ?? 1) <= 0) return false
              controller.enqueue(encoder.encode(chunk))
              return true
            },
            end() {
              if (!open) return
              open = false
              controller.close()
            },
          })
          request.signal.addEventListener('abort', () => stop?.(), { once: true })
        },
        cancel() {
          stop?.()
        },
      })
      return new Response(body, { status: response.status, headers: response.headers })
    }
    const empty = request.method === 'HEAD' || response.status === 308
    return new Response(empty ? null : (response.body as BodyInit), {
      status: response.status,
      headers: response.headers,
    })
  }
}
