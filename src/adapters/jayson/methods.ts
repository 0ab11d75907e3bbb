/**
 * `webHooksMethods(methods, config)`: the methods map of a `jayson` server (`new jayson.Server(methods, options)`), each
 * method wrapped so that its calls are hooked. Callback-style methods (`(args, callback)`, or `(args, context,
 * callback)` on a server with `useContext: true`): the wrapper passes jayson's arguments through, so it works either way.
 *
 * Nothing here imports jayson: a JSON-RPC error is the plain `{ code, message, data }` object jayson's callbacks take.
 */
import type { WebHooksConfig } from '../../config/types.js'
import { WebHookConfigError } from '../../errors/config-error.js'
import { isWebHookError } from '../../errors/web-hook-error.js'
import { checkJsonRpcCode } from '../check-options.js'
import { type WebHooksController, withWebHooks } from '../../with-web-hooks.js'

/** The JSON-RPC error code of a call refused by a veto hook (the range JSON-RPC 2.0 leaves to implementations). */
export const WEB_HOOK_VETO_ERROR_CODE = -32040

/** A JSON-RPC error as jayson methods call back with it (`server.error(code, message, data)`). */
export interface JaysonMethodError {
  code: number
  message: string
  data?: unknown
}

/** The callback jayson gives a method. */
export type JaysonCallback = (error?: JaysonMethodError | Error | null, result?: unknown) => void

/** A jayson method on a server without `useContext`. */
export type JaysonMethod = (this: any, args: any, callback: JaysonCallback) => void

/** A jayson method on a server with `useContext: true`: the context given to `server.call(request, context)`. */
export type JaysonContextMethod<Context> = (this: any, args: any, context: Context, callback: JaysonCallback) => void

/** Options of {@link webHooksMethods}, beside the hooks configuration. */
export interface WebHooksMethodsOptions {
  /**
   * The JSON-RPC error code answered when a veto hook refuses a call.
   * @default -32040
   */
  vetoErrorCode?: number
}

/** The wrapped methods map, with the hooks' controller (`configure`, `test`, `close`, `stats`, `on`). */
export type WebHooksMethods<Context> = Record<string, JaysonContextMethod<Context>> & {
  readonly webHooks: WebHooksController<Context, unknown>
}

interface Call<Context> {
  run: (callback: JaysonCallback) => void
  context: Context
  /** What the method called back with, answered unchanged once the hooks saw it. */
  answer?: [error: JaysonMethodError | Error | null | undefined, result: unknown]
}

/** Carries a JSON-RPC error through the wrapped dispatcher, so that the post hook reports it as `error`. */
class JaysonError extends Error {
  override name = 'JSONRPCError'
  readonly code: number
  readonly data: unknown

  constructor({ code, message, data }: JaysonMethodError) {
    super(message)
    this.code = code
    this.data = data
    // Not a throw site: a stack pointing into this wrapper would only mislead (includeErrorStack).
    delete (this as { stack?: string }).stack
  }
}

const isJsonRpcError = (error: unknown): error is JaysonMethodError =>
  typeof error === 'object' &&
  error !== null &&
  !(error instanceof Error) &&
  typeof (error as JaysonMethodError).code === 'number' &&
  typeof (error as JaysonMethodError).message === 'string'

/**
 * Wraps every method of a jayson methods map with web hooks. `config.user` receives the context jayson hands methods
 * (`server.call(request, context)` with `useContext: true`; `undefined` otherwise: jayson's own HTTP server passes no
 * context, so take the caller from your own transport, see docs/integrations.md).
 *
 * - a result is answered unchanged and is the post `result`; a JSON-RPC error called back (`{ code, message, data }`)
 *   is answered unchanged and is the post `error` (`name: 'JSONRPCError'`, `code`, `message`, `data`), as XO reports
 *   its API errors; an `Error` called back or thrown is the post `error`, and jayson answers it as it always does;
 * - a veto calls back `{ code: vetoErrorCode, message, data: { code, url, status, reason } }`; the method is not
 *   called.
 *
 * @example
 * const server = new jayson.Server(
 *   webHooksMethods({ 'vm.start': (args, context: Caller, callback) => callback(null, true) }, { hooks, user }),
 *   { useContext: true }
 * )
 */
export function webHooksMethods<Context = undefined>(
  methods: Record<string, JaysonMethod | JaysonContextMethod<Context>>,
  config: WebHooksConfig<Context, unknown>,
  options: WebHooksMethodsOptions = {}
): WebHooksMethods<Context> {
  checkJsonRpcCode(options.vetoErrorCode, 'vetoErrorCode')
  if (typeof methods !== 'object' || methods === null) {
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', 'methods', 'must be an object of jayson methods')
  }
  for (const [name, method] of Object.entries(methods)) {
    if (typeof method !== 'function') {
      throw new WebHookConfigError(
        'ERR_WEB_HOOK_CONFIG_TYPE',
        `methods[${JSON.stringify(name)}]`,
        'must be a function (args, [context,] callback); jayson.Method instances and relayed clients are not wrapped'
      )
    }
  }
  const vetoErrorCode = options.vetoErrorCode ?? WEB_HOOK_VETO_ERROR_CODE
  const contextual = (current: WebHooksConfig<Context, unknown>): WebHooksConfig<Call<Context>, unknown> => {
    const { user } = current
    return {
      ...current,
      user: user === undefined ? undefined : (call, method, params) => user(call.context, method, params),
    } as WebHooksConfig<Call<Context>, unknown>
  }

  const dispatch = withWebHooks(
    (_method: string, _params: unknown, call: Call<Context>) =>
      new Promise<unknown>((resolve, reject) => {
        call.run((error, result) => {
          call.answer = [error, result]
          if (error === null || error === undefined) resolve(result)
          else reject(isJsonRpcError(error) ? new JaysonError(error) : error)
        })
      }),
    contextual(config)
  )

  const wrap = (name: string, method: (...args: any[]) => void) =>
    function webHooksMethod(this: unknown, ...args: any[]): void {
      const callback = args.pop() as JaysonCallback
      const context = (args.length > 1 ? args[1] : undefined) as Context
      const run = (done: JaysonCallback) => method.call(this, ...args, done)
      const call: Call<Context> = { run, context }
      dispatch(name, args[0], call).then(
        () => callback(call.answer?.[0], call.answer?.[1]),
        (error: unknown) => {
          if (call.answer !== undefined) callback(call.answer[0], call.answer[1])
          else if (isWebHookError(error) && error.name === 'WebHookVetoError') {
            const { code, url, status, reason } = error as typeof error & {
              url?: string
              status?: number
              reason?: string
            }
            callback({ code: vetoErrorCode, message: error.message, data: { code, url, status, reason } })
          } else callback(error as Error)
        }
      )
    }

  const wrapped: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(methods)) wrapped[name] = wrap(name, method)
  const controller = dispatch.webHooks
  Object.defineProperty(wrapped, 'webHooks', {
    enumerable: false, // jayson registers every enumerable key as a method
    value: {
      ...controller,
      configure: (next: WebHooksConfig<Context, unknown>) => controller.configure(contextual(next)),
    } as WebHooksController<Context, unknown>,
  })
  return wrapped as WebHooksMethods<Context>
}
