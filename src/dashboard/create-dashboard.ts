/**
 * `createDashboard(webHooks, options)` (issue 15): a delivery dashboard to mount in your own server, as bound `node`
 * and `fetch` handlers like the receiver's. An admin surface: `authorize` is required.
 */
import { WebHookConfigError } from '../errors/config-error.js'
import type { WebHooksController } from '../web-hooks-controller.js'
import { createFetchHandler } from './fetch.js'
import { createNodeHandler } from './node.js'
import { createRouter } from './router.js'
import type { WebHookDashboard, WebHookDashboardOptions } from './types.js'

function checkOptions(webHooks: unknown, options: WebHookDashboardOptions | undefined): void {
  const controller = webHooks as Partial<WebHooksController> | undefined
  if (typeof controller?.history !== 'function' || typeof controller.stats !== 'function') {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_TYPE',
      'webHooks',
      'createDashboard takes the web hooks controller: pass `rpc.webHooks` (or what createWebHooks returned)'
    )
  }
  const authorize = options?.authorize
  if (authorize !== 'none' && typeof authorize !== 'function') {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_MISSING',
      'authorize',
      "is required: the dashboard is an admin surface. Pass a function (({ request, headers }) => boolean | Promise<boolean>) that checks your admin session, or authorize: 'none' for a dashboard reachable only from a private network"
    )
  }
  const base = options?.basePath
  if (base !== undefined && (typeof base !== 'string' || !/^(\/[^/?#\s]+)*$/.test(base))) {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      'basePath',
      `must be a path such as '/admin/hooks' (a leading slash, no trailing slash, '' for the root), got ${JSON.stringify(base)}`
    )
  }
  if (options?.readOnly !== undefined && typeof options.readOnly !== 'boolean') {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', 'readOnly', 'must be a boolean')
  }
}

/**
 * A dashboard of these web hooks: every endpoint's state and recent figures, its attempts, the dead letters (replay
 * them), updated live. Throws a `WebHookConfigError` without `authorize`.
 *
 * @example
 * import { createDashboard } from 'rpc-web-hooks/dashboard'
 * const dashboard = createDashboard(rpc.webHooks, { authorize: ({ headers }) => isAdmin(headers.cookie) })
 * app.use('/admin/hooks', dashboard.node) // Express; node:http, Fastify and Hono in docs/dashboard.md
 */
export function createDashboard(webHooks: WebHooksController, options: WebHookDashboardOptions): WebHookDashboard {
  checkOptions(webHooks, options)
  const router = createRouter(webHooks, options)
  return {
    node: createNodeHandler(router, options.basePath),
    fetch: createFetchHandler(router, options.basePath ?? ''),
    close: () => router.live.close(),
  }
}
