/**
 * The dashboard's CSRF defence, for every action (POST): a double-submit token bound to a per-dashboard random key and
 * a same-origin check. The page gets a nonce in an `HttpOnly`, `SameSite=Strict` cookie and the token (an HMAC of the
 * nonce under the key) in its HTML; an action must send the token in `x-csrf-token` and the cookie. Another site can
 * send neither: it cannot read the page, and the cookie does not go with its requests. On top, a browser's
 * `Sec-Fetch-Site` (or, from older browsers, `Origin`) must say the request came from the dashboard's own origin.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { DashboardRequest } from './http.js'
import { fail } from './http.js'

const COOKIE = 'rwh_dashboard_csrf'
const NONCE = /^[A-Za-z0-9_-]{43}$/

export class Csrf {
  readonly #key = randomBytes(32)

  /** The nonce of the request's cookie when it has a well-formed one. */
  nonceOf(request: DashboardRequest): string | undefined {
    for (const part of (request.headers.cookie ?? '').split(';')) {
      const [name, value] = part.trim().split('=', 2)
      if (name === COOKIE && value !== undefined && NONCE.test(value)) return value
    }
    return undefined
  }

  /** For the page: its token, and the cookie to set when the request had none. */
  issue(request: DashboardRequest, cookiePath: string): { token: string; setCookie?: string } {
    const existing = this.nonceOf(request)
    const nonce = existing ?? randomBytes(32).toString('base64url')
    const token = this.#tokenOf(nonce)
    if (existing !== undefined) return { token }
    const secure = request.secure ? '; Secure' : ''
    return { token, setCookie: `${COOKIE}=${nonce}; Path=${cookiePath}; HttpOnly; SameSite=Strict${secure}` }
  }

  /** Throws the 403 of a missing or wrong token, or of a request from another origin. */
  check(request: DashboardRequest): void {
    sameOrigin(request)
    const sent = request.headers['x-csrf-token']
    const nonce = this.nonceOf(request)
    if (sent === undefined || nonce === undefined) {
      fail(
        'ERR_WEB_HOOK_DASHBOARD_CSRF',
        403,
        'This action needs the CSRF token of the dashboard page (x-csrf-token header and its cookie): reload the page and try again.'
      )
    }
    const expected = Buffer.from(this.#tokenOf(nonce))
    const given = Buffer.from(sent)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      fail(
        'ERR_WEB_HOOK_DASHBOARD_CSRF',
        403,
        'The CSRF token does not match (the dashboard restarted, or the request did not come from its page): reload the page and try again.'
      )
    }
  }

  #tokenOf(nonce: string): string {
    return createHmac('sha256', this.#key).update(nonce).digest('base64url')
  }
}

/** Refuses a browser request sent from another site; a request without these headers is not a browser's. */
function sameOrigin(request: DashboardRequest): void {
  const site = request.headers['sec-fetch-site']
  if (site !== undefined) {
    if (site === 'same-origin') return
    crossOrigin(`Sec-Fetch-Site: ${site}`)
  }
  const origin = request.headers.origin
  if (origin === undefined) return
  let host: string | undefined
  try {
    host = new URL(origin).host
  } catch {}
  if (host === undefined || host !== request.headers.host) crossOrigin(`Origin: ${origin}`)
}

function crossOrigin(what: string): never {
  return fail(
    'ERR_WEB_HOOK_DASHBOARD_CROSS_ORIGIN',
    403,
    `Actions are taken only from the dashboard's own page; this request came from elsewhere (${what}).`
  )
}
