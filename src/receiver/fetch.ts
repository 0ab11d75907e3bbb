/**
 * The Fetch API adapter: `(Request) => Promise<Response>` for Hono, Bun, Deno and workers. It only moves bytes: the
 * request flow (`flow.ts`) decides.
 */
import type { ServeRequest } from './core.js'

export function createFetchAdapter(serve: ServeRequest) {
  return async (request: Request): Promise<Response> => {
    const { response } = await serve({
      method: request.method,
      headers: request.headers,
      // The host's own timeouts bound a slow body here.
      body: { kind: 'stream', read: limit => readBody(request, limit) },
    })
    return new Response(response.status === 204 ? null : response.body, {
      status: response.status,
      headers: response.headers,
    })
  }
}

/**
 * The whole body, or `'too large'` once it grows past `limit` (the stream is cancelled there). Also the dashboard's
 * (src/dashboard/fetch.ts), which reads its actions' bodies the same way.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array | 'too large'> {
  if (request.body === null) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      return 'too large'
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
