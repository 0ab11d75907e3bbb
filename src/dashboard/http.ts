/**
 * The dashboard's framework-free request and response, and the answers every route shares: JSON, errors, and the
 * security headers on every response (strict CSP, no sniffing, no framing, no referrer).
 */
import type { IncomingMessage } from 'node:http'
import { WebHookDashboardError, type WebHookDashboardErrorCode } from '../errors/dashboard-error.js'
import { pageSecurityHeaders } from '../security/page-headers.js'

/** The path of a request outside the base path: no route has it (answered 404 once authorized). */
export const OUTSIDE = '/\u0000outside'

/** A request as the adapters hand it over. */
export interface DashboardRequest {
  method: string
  /** The path under the base path, from `/` (`''` for the base path itself without its trailing slash). */
  path: string
  query: URLSearchParams
  /** Lower-case names. */
  headers: Record<string, string>
  raw: IncomingMessage | Request
  /** The whole path as the client asked for it, for the redirect to the trailing slash. */
  fullPath: string
  /** The request came over https (the CSRF cookie is then `Secure`). */
  secure: boolean
  /**
   * The body; `too large` once past `limit` bytes (the rest is drained, not kept); `timeout` when it is not complete
   * within `BODY_TIMEOUT` (node:http only: fetch hosts have their own timeouts).
   */
  readBody(limit: number): Promise<string | 'too large' | 'timeout'>
}

/** Where a live stream writes; `write` returns false while the client is not reading (the chunk is then dropped). */
export interface StreamSink {
  write(chunk: string): boolean
  end(): void
}

export type DashboardResponse =
  | { status: number; headers: Record<string, string>; body: string | Uint8Array }
  | { status: number; headers: Record<string, string>; stream: (sink: StreamSink) => () => void }

/** The pages' shared security headers (src/security/page-headers.ts); the charts draw `data:` images. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = pageSecurityHeaders('self data')

export function json(status: number, value: unknown, extra: Record<string, string> = {}): DashboardResponse {
  return {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...extra,
    },
    body: JSON.stringify(value),
  }
}

export function fail(code: WebHookDashboardErrorCode, status: number, message: string, allow?: string): never {
  throw new WebHookDashboardError(code, status, message, allow === undefined ? {} : { allow })
}

/** The JSON answer of a refusal: `{ "error": code, "message": … }`. */
export function errorResponse(error: WebHookDashboardError): DashboardResponse {
  return json(
    error.status,
    { error: error.code, message: error.message },
    error.allow === undefined ? {} : { allow: error.allow }
  )
}
