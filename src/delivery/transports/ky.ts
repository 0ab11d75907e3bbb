/**
 * A transport on ky (fetch underneath), for runtimes without undici (Deno, Bun, workers) or to reuse your own ky
 * instance and its hooks. Slower than the undici transport on Node (about 1 200/s against 10 000/s on loopback in
 * issue 3's measure). ky's own retries are off: the engine retries.
 */
import defaultKy, { type KyInstance } from 'ky'
import { MAX_RESPONSE_BODY, MAX_RESPONSE_BYTES } from '../options.js'
import { transportError } from './failure.js'
import type { WebHookTransport, WebHookTransportRequest, WebHookTransportResponse } from '../../contracts/delivery.js'

/**
 * The first `maxChars` characters of a response body, reading at most about 4 bytes a character (64 KiB at most):
 * then the stream is cancelled, which drops the connection. `response.text()` would hold a body of any size in memory
 * (issue 13: a 1 GiB answer made the process peak at 5 GB and the delivery fail though it answered 200).
 */
async function readCapped(response: Response, maxChars: number): Promise<string> {
  if (response.body === null) return ''
  const maxBytes = Math.min(MAX_RESPONSE_BYTES, maxChars * 4)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  try {
    while (received < maxBytes) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      received += value.byteLength
    }
  } finally {
    // Not read to its end: cancelling ends the exchange instead of downloading the rest.
    if (received >= maxBytes) reader.cancel().catch(() => {})
    else reader.releaseLock()
  }
  const bytes = Buffer.concat(chunks).subarray(0, maxBytes)
  const body = new TextDecoder().decode(bytes)
  return body.length > maxChars ? body.slice(0, maxChars) : body
}

/** Options of {@link kyTransport}. */
export interface WebHookKyTransportOptions {
  /**
   * The ky instance to send with, e.g. one made by `ky.create({ hooks: { beforeRequest: [...] } })`.
   * @default ky
   */
  ky?: KyInstance
  /**
   * Most characters of a response body kept; at most 4 bytes a character (64 KiB) are read, then the connection is
   * dropped.
   * @default 4096
   */
  maxResponseBody?: number
}

/**
 * A transport built on ky. It does not follow redirects (`redirect: 'manual'`; the engine does, per `redirects`), ky's retries and HTTP errors are off
 * (the engine handles both), the timeout is the hook's.
 *
 * @example
 * withWebHooks(dispatch, { hooks, transport: kyTransport() })
 * @example
 * withWebHooks(dispatch, { hooks, transport: kyTransport({ ky: ky.create({ headers: { 'x-sender': 'api' } }) }) })
 */
export function kyTransport(options: WebHookKyTransportOptions = {}): WebHookTransport {
  const ky = options.ky ?? defaultKy
  const max = options.maxResponseBody ?? MAX_RESPONSE_BODY
  return async (request: WebHookTransportRequest): Promise<WebHookTransportResponse> => {
    try {
      const response = await ky(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.method === 'GET' ? {} : { body: request.body }),
        timeout: request.timeout,
        retry: 0,
        throwHttpErrors: false,
        redirect: 'manual',
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      })
      const headers: Record<string, string | undefined> = {}
      response.headers.forEach((value, name) => {
        headers[name] = value
      })
      const body = await readCapped(response, max)
      return { status: response.status, statusText: response.statusText, headers, body }
    } catch (error) {
      throw transportError(error, request.url)
    }
  }
}
