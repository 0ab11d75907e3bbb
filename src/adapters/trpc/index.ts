/**
 * `rpc-web-hooks/trpc`: web hooks for tRPC v11 procedures (`@trpc/server` is an optional peer dependency: install it
 * yourself).
 *
 * @packageDocumentation
 */
export { webHooksTrpc } from './middleware.js'
export type { TrpcRoot, WebHooksTrpcMiddleware, WebHooksTrpcOptions } from './middleware.js'
