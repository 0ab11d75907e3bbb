/**
 * The inspector's HTTP answers: every one with the security headers (a strict Content-Security-Policy, no sniffing, no
 * framing, no caching), and its errors as `{ "error": code, "message" }` JSON.
 */
import type { ServerResponse } from 'node:http'
import { pageSecurityHeaders } from '../../security/page-headers.js'

/** The pages' shared security headers (src/security/page-headers.ts), and no caching: every answer is live. */
export const SECURITY_HEADERS: Record<string, string> = { ...pageSecurityHeaders(), 'cache-control': 'no-store' }

/** The codes of the inspector's error answers (docs/cli.md#the-inspector). */
export type InspectorErrorCode =
  | 'ERR_WEB_HOOK_INSPECTOR_NOT_FOUND'
  | 'ERR_WEB_HOOK_INSPECTOR_METHOD'
  | 'ERR_WEB_HOOK_INSPECTOR_HOST'
  | 'ERR_WEB_HOOK_INSPECTOR_ORIGIN'
  | 'ERR_WEB_HOOK_INSPECTOR_CSRF'
  | 'ERR_WEB_HOOK_INSPECTOR_CONTENT_TYPE'
  | 'ERR_WEB_HOOK_INSPECTOR_TOO_LARGE'
  | 'ERR_WEB_HOOK_INSPECTOR_BAD_JSON'
  | 'ERR_WEB_HOOK_INSPECTOR_BAD_URL'
  | 'ERR_WEB_HOOK_INSPECTOR_UNKNOWN_REQUEST'
  | 'ERR_WEB_HOOK_INSPECTOR_TRUNCATED'
  | 'ERR_WEB_HOOK_INSPECTOR_SEND_FAILED'

/** A refused request: its status, code and what to do about it. */
export class InspectorHttpError extends Error {
  override readonly name = 'InspectorHttpError' as const
  readonly status: number
  readonly code: InspectorErrorCode
  /** The methods a 405's route takes (its `allow` header). */
  readonly allow: string | undefined

  constructor(status: number, code: InspectorErrorCode, message: string, allow?: string) {
    super(message)
    this.status = status
    this.code = code
    this.allow = allow
  }
}

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra }).end(body)
}

export function sendJson(res: ServerResponse, status: number, value: unknown, extra = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), extra)
}

export function sendError(res: ServerResponse, error: InspectorHttpError): void {
  const extra = error.allow === undefined ? {} : { allow: error.allow }
  sendJson(res, error.status, { error: error.code, message: error.message }, extra)
}
