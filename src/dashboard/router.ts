/**
 * The dashboard's one decision about a request: who may see it (`authorize`), which route it is, whether its method
 * fits, and for an action the CSRF and same-origin checks, the read-only switch and the body's size. Framework-free:
 * the node and fetch adapters only move bytes (node.ts, fetch.ts).
 */
import { isWebHookError } from '../errors/web-hook-error.js'
import type { WebHookDashboardError } from '../errors/dashboard-error.js'
import type { WebHooksController } from '../web-hooks-controller.js'
import { assetOf, page } from './assets.js'
import { Csrf } from './csrf.js'
import { type DashboardRequest, type DashboardResponse, errorResponse, fail, json, SECURITY_HEADERS } from './http.js'
import { LiveStreams } from './live.js'
import type { WebHookDashboardOptions } from './types.js'
import { attempts, deadLetters, delivery, overview, replay } from './views.js'

/** Largest action body, bytes. */
export const MAX_BODY = 16 * 1024

/** Longest wait for a whole action body, ms (the receiver's default `bodyTimeout`): a trickling client gets a 408. */
export const BODY_TIMEOUT = 5000

export interface Router {
  handle(request: DashboardRequest): Promise<DashboardResponse>
  live: LiveStreams
}

type Route = (request: DashboardRequest) => DashboardResponse | Promise<DashboardResponse>

export function createRouter(webHooks: WebHooksController, options: WebHookDashboardOptions): Router {
  const { authorize } = options
  const readOnly = options.readOnly === true
  const csrf = new Csrf()
  const live = new LiveStreams(webHooks, readOnly)

  const reads: Record<string, Route> = {
    '/api/overview': () => json(200, overview(webHooks, readOnly)),
    '/api/attempts': request => json(200, attempts(webHooks, request.query)),
    '/api/dead-letters': async request => json(200, await deadLetters(webHooks, request.query)),
    '/api/events': () => live.open(),
  }
  const homeRoute: Route = request => home(request, csrf, readOnly)
  const oneDelivery: Route = request => deliveryRoute(webHooks, request)
  const actions: Record<string, (body: string) => Promise<unknown>> = {
    '/api/dead-letters/replay': body => replay(webHooks, body),
  }

  async function route(request: DashboardRequest): Promise<DashboardResponse> {
    const { path, method } = request
    const action = actions[path]
    if (action !== undefined) return act(request, action, csrf, readOnly)
    const read =
      path === '' || path === '/' ? homeRoute : path.startsWith('/api/deliveries/') ? oneDelivery : reads[path]
    const asset = read === undefined ? assetOf(path.slice(1)) : undefined
    if (read === undefined && asset === undefined) {
      fail('ERR_WEB_HOOK_DASHBOARD_NOT_FOUND', 404, `No dashboard route ${path.slice(0, 100)}`)
    }
    if (method !== 'GET' && method !== 'HEAD') {
      fail('ERR_WEB_HOOK_DASHBOARD_METHOD', 405, `${path} takes GET, got ${method}`, 'GET, HEAD')
    }
    if (asset !== undefined) {
      return {
        status: 200,
        headers: { ...SECURITY_HEADERS, 'content-type': asset.type, 'cache-control': 'no-cache' },
        body: asset.body,
      }
    }
    return (read as Route)(request)
  }

  return {
    live,
    async handle(request) {
      try {
        await authorized(authorize, request)
        return await route(request)
      } catch (error) {
        if (isWebHookError(error) && error.code.startsWith('ERR_WEB_HOOK_DASHBOARD_')) {
          return errorResponse(error as WebHookDashboardError)
        }
        return json(500, {
          error: 'ERR_WEB_HOOK_DASHBOARD',
          message: 'The dashboard failed to answer; see the server log.',
        })
      }
    },
  }
}

/** An action (POST): refused when read-only or without the CSRF token; its body read within `MAX_BODY`. */
async function act(
  request: DashboardRequest,
  run: (body: string) => Promise<unknown>,
  csrf: Csrf,
  readOnly: boolean
): Promise<DashboardResponse> {
  if (request.method !== 'POST') {
    fail('ERR_WEB_HOOK_DASHBOARD_METHOD', 405, `${request.path} takes POST, got ${request.method}`, 'POST')
  }
  if (readOnly) fail('ERR_WEB_HOOK_DASHBOARD_READ_ONLY', 403, 'This dashboard is read-only (readOnly: true).')
  csrf.check(request)
  const body = await request.readBody(MAX_BODY)
  if (body === 'too large') {
    fail('ERR_WEB_HOOK_DASHBOARD_TOO_LARGE', 413, `An action's body holds at most ${MAX_BODY} bytes.`)
  }
  if (body === 'timeout') {
    fail(
      'ERR_WEB_HOOK_DASHBOARD_TIMEOUT',
      408,
      `The action's body did not arrive within ${BODY_TIMEOUT} ms: the connection is closed. Send the body at once.`
    )
  }
  return json(200, await run(body))
}

/** Throws `ERR_WEB_HOOK_DASHBOARD_FORBIDDEN` unless `authorize` lets the request in. */
async function authorized(authorize: WebHookDashboardOptions['authorize'], request: DashboardRequest): Promise<void> {
  const allowed =
    authorize === 'none' ||
    (await authorize({ request: request.raw, headers: request.headers, method: request.method, path: request.path }))
  if (allowed !== true) fail('ERR_WEB_HOOK_DASHBOARD_FORBIDDEN', 403, 'Not authorized to see the web hooks dashboard.')
}

/** The page, with a CSRF token (and its cookie when new); redirected to the path with its trailing slash. */
function home(request: DashboardRequest, csrf: Csrf, readOnly: boolean): DashboardResponse {
  // Relative asset and API URLs need the trailing slash.
  if (!request.fullPath.endsWith('/')) {
    return { status: 308, headers: { ...SECURITY_HEADERS, location: `${request.fullPath}/` }, body: '' }
  }
  const base = request.fullPath
  const { token, setCookie } = csrf.issue(request, base)
  return {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...(setCookie === undefined ? {} : { 'set-cookie': setCookie }),
    },
    body: page(token, readOnly),
  }
}

/** `/api/deliveries/<id>`: one delivery's attempts (a bad escape is an unknown id). */
function deliveryRoute(webHooks: WebHooksController, request: DashboardRequest): DashboardResponse {
  let id: string
  try {
    id = decodeURIComponent(request.path.slice('/api/deliveries/'.length))
  } catch {
    id = '\u0000'
  }
  return json(200, delivery(webHooks, id))
}
