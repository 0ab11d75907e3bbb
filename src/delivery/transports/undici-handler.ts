/**
 * The response side of the undici transport: a dispatch handler that keeps the status, the headers and the first
 * bytes of the body, and settles one promise. It replaces `request()` and its body stream, which cost about a third
 * of the sender's CPU per POST (issue 3, throughput: `npm run bench -- throughput`).
 */
import { MAX_RESPONSE_BYTES } from '../options.js'
import type { WebHookTransportResponse } from '../../contracts/delivery.js'

/** Lower-case names; a repeated header's values joined with `, ` (RFC 9110, 5.3). */
function parseHeaders(raw: readonly Buffer[] | null): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {}
  if (raw === null) return headers
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!.toString('latin1').toLowerCase()
    const value = raw[index + 1]!.toString('latin1')
    const previous = headers[name]
    headers[name] = previous === undefined ? value : `${previous}, ${value}`
  }
  return headers
}

/**
 * undici's dispatch handler (the callbacks its HTTP/1.1 client calls natively: no adapter, no stream, no async
 * resource). Resolves once the body ended, or was cut at `maxChars` characters worth of bytes; rejects on any error
 * (a timeout, an abort, a reset connection).
 */
export class CollectingHandler {
  #resolve: (response: WebHookTransportResponse) => void
  #reject: (error: unknown) => void
  #maxBytes: number
  #maxChars: number
  #abort: ((reason?: Error) => void) | undefined
  /** Set by `abort()` before the connection was handed over; applied in `onConnect`. */
  #reason: Error | undefined
  #settled = false
  #status = 0
  #statusText = ''
  #rawHeaders: Buffer[] | null = null
  #chunks: Buffer[] = []
  #received = 0

  constructor(
    resolve: (response: WebHookTransportResponse) => void,
    reject: (error: unknown) => void,
    maxChars: number
  ) {
    this.#resolve = resolve
    this.#reject = reject
    this.#maxChars = maxChars
    // A character is at most 4 bytes of UTF-8.
    this.#maxBytes = Math.min(MAX_RESPONSE_BYTES, maxChars * 4)
  }

  /** Ends the exchange with `reason` (its promise rejects with it), whenever it is called. */
  abort(reason: Error): void {
    if (this.#settled) return
    if (this.#abort === undefined) this.#reason = reason
    else this.#abort(reason)
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.#reason !== undefined) abort(this.#reason)
    else this.#abort = abort
  }

  onHeaders(status: number, rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    // 1xx (other than an upgrade, never asked for) are informational: the final answer follows.
    if (status < 200) return true
    this.#status = status
    this.#statusText = statusText
    this.#rawHeaders = rawHeaders
    return true
  }

  onData(chunk: Buffer): boolean {
    if (this.#received < this.#maxBytes) this.#chunks.push(chunk)
    this.#received += chunk.length
    if (this.#received > MAX_RESPONSE_BYTES && !this.#settled) {
      // Too long to read to the end: answer with the start and drop the connection.
      this.#settle()
      this.#abort?.(new Error('response body too long; the connection is dropped'))
    }
    return true
  }

  onComplete(): void {
    if (!this.#settled) this.#settle()
  }

  onError(error: Error): void {
    if (this.#settled) return
    this.#settled = true
    this.#reject(error)
  }

  #settle(): void {
    this.#settled = true
    const chunks = this.#chunks
    let body = ''
    if (chunks.length === 1) body = chunks[0]!.toString('utf8', 0, Math.min(chunks[0]!.length, this.#maxBytes))
    else if (chunks.length > 1) body = Buffer.concat(chunks).toString('utf8', 0, this.#maxBytes)
    if (body.length > this.#maxChars) body = body.slice(0, this.#maxChars)
    this.#resolve({
      status: this.#status,
      statusText: this.#statusText,
      headers: parseHeaders(this.#rawHeaders),
      body,
    })
  }
}
