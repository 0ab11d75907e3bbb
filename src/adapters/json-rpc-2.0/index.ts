/**
 * `rpc-web-hooks/json-rpc-2.0`: web hooks for servers built on the npm package `json-rpc-2.0` (an optional peer
 * dependency: install it yourself).
 *
 * @packageDocumentation
 */
export { WEB_HOOK_VETO_ERROR_CODE, webHooksMiddleware } from './middleware.js'
export type { WebHooksMiddleware, WebHooksMiddlewareOptions, WebHooksMiddlewareServer } from './middleware.js'
