/**
 * The Fetch API adapter: `(Request) => Promise<Response>` for Hono, Bun, Deno and workers.
 */
import type { ReceiverCore } from './core.js'
import { declaredLength, errorResponse, normalizeHeaders, tooLarge } from './http.js'
import type { WebHookResponseOutput } from './types.js'

export function createFetchAdapter(core: ReceiverCore) {
  return async (request: Request): Promise<Response> => {
    let response: WebHookResponseOutput
    try {
      const headers = normalizeHeaders(request.headers)
      const refused = core.precheck(request.method, headers)
      const length = declaredLength(headers)
      if (refused !== undefined) {
        response = refused
      } else if (length !== undefined && length > core.maxBodyBytes) {
        response = core.refuse(tooLarge(core.maxBodyBytes))
      } else {
        const body = await readBody(request, core.maxBodyBytes)
        response = body === undefined ? core.refuse(tooLarge(core.maxBodyBytes)) : await core.process(body, headers)
      }
    } catch {
      response = errorResponse(500, 'ERR_WEB_HOOK_HANDLER', 'The receiver failed to read the request; retry later.')
    }
    return new Response(response.status === 204 ? null : response.body, {
      status: response.status,
      headers: response.headers,
    })
  }
}

/** The whole body, or undefined once it grows past `limit` (the stream is cancelled there). */
async function readBody(request: Request, limit: number): Promise<Uint8Array | undefined> {
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
      return undefined
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
