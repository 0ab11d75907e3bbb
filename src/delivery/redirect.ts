/**
 * Following redirects, decided here for every transport (transports never follow; issue #12, item 1). XO follows
 * them (its released HTTP helper up to 5, keeping POST and body on 307/308); Standard Webhooks advises not to, so a
 * hook follows `redirects` at most (0 by default, 5 in the XO plugin):
 * - 307 and 308 keep the method and the body; 301, 302 and 303 turn a POST into a GET without body, as fetch does;
 * - each hop is checked by `safeUrls` before its request (the caller does), so a redirect never reaches a refused
 *   address;
 * - on a hop to another origin, only `content-type` and `webhook-id` go on: no credentials (`authorization`), no
 *   signature, no custom header of the hook;
 * - a `Location` that is missing, not http(s), or carries credentials is not followed: the 3xx is the answer.
 */
import type { WebHookTransportRequest, WebHookTransportResponse } from '../contracts/delivery.js'

/** The statuses that redirect. */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}

/** Headers that may go to another origin. */
const CROSS_ORIGIN_HEADERS = ['content-type', 'webhook-id']

/**
 * The request of the next hop, or `undefined` when `response` is not a redirect that can be followed. `origin`: the
 * hook's own origin (headers are kept only while the hops stay on it); `timeout`: what is left of the attempt's.
 */
export function nextHop(
  request: WebHookTransportRequest,
  response: WebHookTransportResponse,
  origin: string,
  timeout: number
): WebHookTransportRequest | undefined {
  const { status } = response
  if (!isRedirect(status)) return undefined
  const location = response.headers.location
  if (typeof location !== 'string' || location === '') return undefined
  let url: URL
  try {
    url = new URL(location, request.url)
  } catch {
    return undefined
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    return undefined
  }
  url.hash = ''
  const keep = status === 307 || status === 308
  let headers = request.headers
  if (url.origin !== origin) {
    headers = {}
    for (const name of CROSS_ORIGIN_HEADERS) {
      const value = request.headers[name]
      if (value !== undefined) headers[name] = value
    }
  }
  if (!keep) {
    headers = { ...headers }
    delete headers['content-type']
  }
  const next: WebHookTransportRequest = {
    url: url.href,
    method: keep ? request.method : 'GET',
    headers,
    body: keep ? request.body : '',
    timeout,
  }
  if (request.signal !== undefined) next.signal = request.signal
  return next
}
