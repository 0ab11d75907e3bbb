/**
 * `webHooksTrpc(t, config)`: a tRPC v11 middleware (`t.procedure.use(webHooksTrpc(t, config))`). A procedure call is
 * a method call by another name: the path is the method (`vm.start`), the raw input the params, `ctx` the context of
 * `user()`, the resolver's output or `TRPCError` the post `result` / `error`.
 *
 * `t` is taken so that the middleware is built by `t.middleware` and has `t`'s context type: `user()` gets `ctx`
 * typed without a type argument.
 */
import { TRPCError, type TRPCMiddlewareBuilder, type TRPCMiddlewareFunction } from '@trpc/server'
import type { WebHooksConfig } from '../../config/types.js'
import { WebHookConfigError } from '../../errors/config-error.js'
import { isWebHookError } from '../../errors/web-hook-error.js'
import { type WebHooksController, withWebHooks } from '../../with-web-hooks.js'

/** What {@link webHooksTrpc} needs of the root object of `initTRPC.context<Ctx>().create()`. */
export interface TrpcRoot<Ctx extends object, Meta extends object> {
  middleware: <$ContextOverrides>(
    fn: TRPCMiddlewareFunction<Ctx, Meta, object, $ContextOverrides, unknown>
  ) => TRPCMiddlewareBuilder<Ctx, Meta, $ContextOverrides, unknown>
}

/** Options of {@link webHooksTrpc}, beside the hooks configuration. */
export interface WebHooksTrpcOptions {
  /**
   * The tRPC error code a veto is answered with (the client sees it as `error.data.code`, with its HTTP status).
   * @default 'FORBIDDEN'
   */
  vetoErrorCode?: TRPCError['code']
}

/** The middleware, with the hooks' controller (`configure`, `test`, `close`, `stats`, `on`). */
export type WebHooksTrpcMiddleware<Ctx extends object, Meta extends object> = TRPCMiddlewareBuilder<
  Ctx,
  Meta,
  object,
  unknown
> & { readonly webHooks: WebHooksController<Ctx, unknown> }

type Options<Ctx extends object, Meta extends object> = Parameters<
  TRPCMiddlewareFunction<Ctx, Meta, object, object, unknown>
>[0]
type Result<Ctx extends object, Meta extends object> = Awaited<ReturnType<Options<Ctx, Meta>['next']>>

interface Call<Ctx extends object, Meta extends object> {
  opts: Options<Ctx, Meta>
  /** What the rest of the chain returned, returned as is once the hooks saw it. */
  result?: Result<Ctx, Meta>
}

/**
 * Web hooks around tRPC procedure calls.
 *
 * - the output is returned unchanged and is the post `result`; a `TRPCError` (thrown by the resolver, or tRPC's own
 *   such as input validation) is answered unchanged and is the post `error` (`name: 'TRPCError'`, `code`, `message`);
 * - a veto throws `new TRPCError({ code: vetoErrorCode, message, cause })`, the cause being the `WebHookVetoError`; the
 *   resolver is not called.
 *
 * @example
 * const t = initTRPC.context<{ userId: string }>().create()
 * const hooked = t.procedure.use(webHooksTrpc(t, { hooks, user: ctx => ({ id: ctx.userId }) }))
 */
export function webHooksTrpc<Ctx extends object, Meta extends object>(
  t: TrpcRoot<Ctx, Meta>,
  config: WebHooksConfig<Ctx, unknown>,
  options: WebHooksTrpcOptions = {}
): WebHooksTrpcMiddleware<Ctx, Meta> {
  if (typeof (t as Partial<TrpcRoot<Ctx, Meta>> | undefined)?.middleware !== 'function') {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_TYPE',
      't',
      'must be the root object of initTRPC.create() (webHooksTrpc(t, config)), which has t.middleware'
    )
  }
  const vetoErrorCode = options.vetoErrorCode ?? 'FORBIDDEN'
  // tRPC's codes are upper-case keys (FORBIDDEN, UNAUTHORIZED, …): catches a number or a typo in the case.
  if (typeof vetoErrorCode !== 'string' || !/^[A-Z][A-Z_]*$/.test(vetoErrorCode)) {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      'vetoErrorCode',
      `must be a tRPC error code such as 'FORBIDDEN' or 'UNAUTHORIZED', got ${JSON.stringify(vetoErrorCode)}`
    )
  }
  const contextual = (current: WebHooksConfig<Ctx, unknown>): WebHooksConfig<Call<Ctx, Meta>, unknown> => {
    const { user } = current
    return {
      ...current,
      user:
        user === undefined
          ? undefined
          : (call, method, params) => user(call.opts.ctx as unknown as Ctx, method, params),
    } as WebHooksConfig<Call<Ctx, Meta>, unknown>
  }

  const dispatch = withWebHooks(async (_method: string, _params: unknown, call: Call<Ctx, Meta>) => {
    const result = await call.opts.next()
    call.result = result
    if (!result.ok) throw result.error
    return result.data
  }, contextual(config))

  const middleware = t.middleware(async opts => {
    const call: Call<Ctx, Meta> = { opts }
    try {
      await dispatch(opts.path, await opts.getRawInput(), call)
    } catch (error) {
      if (call.result !== undefined) return call.result
      if (isWebHookError(error) && error.name === 'WebHookVetoError') {
        throw new TRPCError({ code: vetoErrorCode, message: error.message, cause: error })
      }
      throw error
    }
    return call.result as Result<Ctx, Meta>
  })

  const controller = dispatch.webHooks
  return Object.assign(middleware, {
    webHooks: {
      ...controller,
      configure: (next: WebHooksConfig<Ctx, unknown>) => controller.configure(contextual(next)),
    } as WebHooksController<Ctx, unknown>,
  }) as WebHooksTrpcMiddleware<Ctx, Meta>
}
