/**
 * "Send again": a kept request sent once more, its headers (signature included) and body as received, to the listener
 * or to a URL typed in the page. Done here, server-side, so the page needs no CORS and the request is byte for byte.
 */
import { InspectorHttpError } from './http.js'
import { replayHeaders } from './curl.js'
import type { InspectorStore } from './store.js'

const TIMEOUT = 10_000
const SHOWN_ANSWER = 64 * 1024

export async function resend(
  store: InspectorStore,
  id: string,
  action: unknown,
  listenerUrl: string
): Promise<{ status: number; body: string }> {
  const request = /^\d+$/.test(id) ? store.get(Number(id)) : undefined
  if (request === undefined) {
    throw new InspectorHttpError(
      404,
      'ERR_WEB_HOOK_INSPECTOR_UNKNOWN_REQUEST',
      `No request ${JSON.stringify(id)} is kept (the inspector keeps the last ${store.size}): reload the page.`
    )
  }
  if (request.truncated) {
    throw new InspectorHttpError(
      409,
      'ERR_WEB_HOOK_INSPECTOR_TRUNCATED',
      `Request ${id} was larger than the inspector keeps (${request.size} bytes): it cannot be sent again as it was.`
    )
  }
  const target = targetOf(action, new URL(request.path, listenerUrl).href)
  try {
    const response = await fetch(target, {
      method: request.method,
      headers: replayHeaders(request.headers),
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: request.body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT),
    })
    return { status: response.status, body: (await response.text()).slice(0, SHOWN_ANSWER) }
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    throw new InspectorHttpError(
      502,
      'ERR_WEB_HOOK_INSPECTOR_SEND_FAILED',
      `Sending request ${id} to ${target} failed: ${cause?.code ?? cause?.message ?? (error as Error).message}.`
    )
  }
}

/** `{}` or `{ url: "" }`: the listener; `{ url }`: that http(s) URL. */
function targetOf(action: unknown, listener: string): string {
  if (typeof action !== 'object' || action === null || Array.isArray(action)) {
    throw new InspectorHttpError(400, 'ERR_WEB_HOOK_INSPECTOR_BAD_JSON', 'Send an object: { "url": … } or {}.')
  }
  const { url } = action as { url?: unknown }
  if (url === undefined || url === null || url === '') return listener
  let parsed: URL | undefined
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined
  } catch {
    parsed = undefined
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new InspectorHttpError(
      400,
      'ERR_WEB_HOOK_INSPECTOR_BAD_URL',
      `"url" must be an http or https URL (or empty for the listener), got ${JSON.stringify(url)}.`
    )
  }
  return parsed.href
}
