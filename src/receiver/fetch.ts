/**
 * The Fetch API adapter: `(Request) => Promise<Response>` for Hono, Bun, Deno and workers. It only moves bytes: the
 * request flow (`flow.ts`) decides.
 */
import type { ServeRequest } from './core.js'
import { readFetchBody } from './read-body.js'

export function createFetchAdapter(serve: ServeRequest) {
  return async (request: Request): Promise<Response> => {
    const { response } = await serve({
      method: request.method,
      headers: request.headers,
      // The host's own timeouts bound a slow body here.
      body: { kind: 'stream', read: limit => readFetchBody(request, limit) },
    })
    return new Response(response.status === 204 ? null : response.body, {
      status: response.status,
      headers: response.headers,
    })
  }
}
