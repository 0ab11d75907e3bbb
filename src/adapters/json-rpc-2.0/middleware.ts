/**
 * `webHooksMiddleware(config)`: web hooks for a `JSONRPCServer` of the npm package `json-rpc-2.0`, through
 * `server.applyMiddleware(...)`. The server calls middleware once per request, so a batch fires hooks per call.
 *
 * Built on `withWebHooks`: the dispatcher is the rest of the middleware chain, so users, vetoes, callIds and posts
 * behave exactly as with a wrapped dispatcher.
 */
import type {
  JSONRPCErrorResponse,
  JSONRPCRequest,
  JSONRPCResponse,
  JSONRPCServerMiddleware,
  JSONRPCServerMiddlewareNext,
} from 'json-rpc-2.0'
import type { WebHooksConfig } from '../../config/types.js'
import { isWebHookError } from '../../errors/web-hook-error.js'
import { checkJsonRpcCode } from '../check-options.js'
import { type WebHooksController, withWebHooks } from '../../with-web-hooks.js'

/**
 * The JSON-RPC error code of a call refused by a veto hook: in the range JSON-RPC 2.0 leaves to implementations
 * (-32000 to -32099).
 */
export const WEB_HOOK_VETO_ERROR_CODE = -32040

/**
 * What the middleware uses of the server it is applied to: its method table. `applyMiddleware`, when present (a
 * `JSONRPCServer<ServerParams>`), only carries the server params' type, so that `webHooksMiddleware(config, { server })`
 * infers them for `config.user` wherever the middleware is built.
 */
export interface WebHooksMiddlewareServer<ServerParams = void> {
  hasMethod(name: string): boolean
  applyMiddleware?(...middlewares: JSONRPCServerMiddleware<ServerParams>[]): void
}

/** Options of {@link webHooksMiddleware}, beside the hooks configuration. */
export interface WebHooksMiddlewareOptions<ServerParams = void> {
  /**
   * The JSON-RPC error code answered when a veto hook refuses a call.
   * @default -32040
   */
  vetoErrorCode?: number
  /**
   * The server the middleware is applied to: when given, methods it does not have fire no hooks (Xen Orchestra's
   * rule for unknown methods), so that a `*` hook is not sent for every misspelt or probing call. Without it, the
   * middleware cannot see the method table: matched unknown methods fire hooks and their post reports -32601.
   *
   * A `JSONRPCServer<ServerParams>` also gives the hooks' context its type: `config.user` receives `ServerParams`
   * without a type argument.
   * @default undefined
   * @example webHooksMiddleware(config, { server })
   */
  server?: WebHooksMiddlewareServer<ServerParams>
}

/** The middleware, with the hooks' controller (`configure`, `test`, `close`, `stats`, `on`). */
export type WebHooksMiddleware<ServerParams = void> = JSONRPCServerMiddleware<ServerParams> & {
  readonly webHooks: WebHooksController<ServerParams, unknown>
}

/** What the hooks see of one request: the rest of the chain and its arguments. */
interface Call<ServerParams> {
  next: JSONRPCServerMiddlewareNext<ServerParams>
  request: JSONRPCRequest
  serverParams: ServerParams
  /** What the rest of the chain answered; answered as is once the hooks saw it. */
  response?: JSONRPCResponse | null
}

/** Carries a JSON-RPC error response through the wrapped dispatcher, so the post hook reports it as `error`. */
class JsonRpcErrorResponse extends Error {
  override name = 'JSONRPCError'
  readonly code: number
  readonly data: unknown

  constructor({ code, message, data }: JSONRPCErrorResponse['error']) {
    super(message)
    this.code = code
    this.data = data
    // Not a throw site: a stack pointing into this middleware would only mislead (includeErrorStack).
    delete (this as { stack?: string }).stack
  }
}

/**
 * A `json-rpc-2.0` server middleware that sends web hooks before and after each matched call. `config.user` receives
 * the server params as its context (`server.receive(request, serverParams)`); their type is inferred from
 * `options.server`, or from where the middleware is passed (`server.applyMiddleware(webHooksMiddleware(…))`).
 *
 * - a result is reported as the post `result`; an error response returned down the chain as the post `error`
 *   (`name: 'JSONRPCError'`, `code`, `message`, `data`); a method that throws, as the thrown error (the server then
 *   maps it to its error response as usual);
 * - a notification (no `id`) has no response: its post reports `result: true` unless the method threw;
 * - a veto answers a JSON-RPC error response with `vetoErrorCode` (default -32040), the veto's message and
 *   `data: { code, url, status, reason }`; the method is not called.
 *
 * @example
 * const server = new JSONRPCServer<{ userId: string }>()
 * const middleware = webHooksMiddleware(
 *   {
 *     hooks: [{ method: 'vm.*', type: 'pre/post', url: 'https://hooks.example/rpc' }],
 *     user: ({ userId }) => ({ id: userId }),
 *   },
 *   { server }
 * )
 * server.applyMiddleware(middleware)
 */
export function webHooksMiddleware<ServerParams = void>(
  config: WebHooksConfig<ServerParams, unknown>,
  options: WebHooksMiddlewareOptions<ServerParams> = {}
): WebHooksMiddleware<ServerParams> {
  checkJsonRpcCode(options.vetoErrorCode, 'vetoErrorCode')
  const vetoErrorCode = options.vetoErrorCode ?? WEB_HOOK_VETO_ERROR_CODE
  const contextual = (current: WebHooksConfig<ServerParams, unknown>): WebHooksConfig<Call<ServerParams>, unknown> => {
    const { user } = current
    return {
      ...current,
      user: user === undefined ? undefined : (call, method, params) => user(call.serverParams, method, params),
    } as WebHooksConfig<Call<ServerParams>, unknown>
  }

  const dispatch = withWebHooks(async (_method: string, _params: unknown, call: Call<ServerParams>) => {
    const response = await call.next(call.request, call.serverParams)
    call.response = response
    if (response === null) return undefined
    if (response.error !== undefined) throw new JsonRpcErrorResponse(response.error)
    return response.result
  }, contextual(config))

  const { server } = options
  const middleware: JSONRPCServerMiddleware<ServerParams> = async (next, request, serverParams) => {
    if (server !== undefined && !server.hasMethod(request.method)) return next(request, serverParams)
    const call: Call<ServerParams> = { next, request, serverParams }
    try {
      await dispatch(request.method, request.params, call)
    } catch (error) {
      if (call.response !== undefined) return call.response
      if (isWebHookError(error) && error.name === 'WebHookVetoError') {
        if (request.id === undefined) return null
        const { code, url, status, reason } = error as typeof error & { url?: string; status?: number; reason?: string }
        return {
          jsonrpc: '2.0',
          id: request.id,
          error: { code: vetoErrorCode, message: error.message, data: { code, url, status, reason } },
        }
      }
      throw error
    }
    return call.response ?? null
  }

  const controller = dispatch.webHooks
  return Object.assign(middleware, {
    webHooks: {
      ...controller,
      configure: (next: WebHooksConfig<ServerParams, unknown>) => controller.configure(contextual(next)),
    } as WebHooksController<ServerParams, unknown>,
  })
}
