/**
 * `withWebHooks(dispatcher, config)`: wraps a method dispatcher so that configured calls send Xen Orchestra-style
 * web hooks before (`pre`) and after (`post`) they run. Hooks never change a call's result or error.
 */
import { CurrentConfig } from './config/current.js'
import type { WebHooksConfig } from './config/types.js'
import type { WebHookCloseResult } from './contracts/delivery.js'
import { closeAfter } from './delivery/open-calls.js'
import type { WebHooks } from './core-types.js'
import { createCore } from './create-web-hooks.js'
import type { WebHooksController } from './web-hooks-controller.js'
import { HookedCalls } from './wrapper/hooked-calls.js'

export type { WebHooksController } from './web-hooks-controller.js'

/**
 * Any dispatcher: `(method, params, context) => result | Promise<result>`, where `method` is a string (or a union of
 * method names); params and context may be omitted.
 */
export type WebHookDispatcher = (method: any, params: any, context: any) => unknown

/** The params type of a dispatcher (its second parameter). */
export type DispatcherParams<F> = F extends (method: any, params: infer P, ...rest: any[]) => any ? P : unknown
/** The context type of a dispatcher (its third parameter). */
export type DispatcherContext<F> = F extends (method: any, params: any, context: infer C, ...rest: any[]) => any
  ? C
  : unknown

/**
 * The parameters of a wrapped dispatcher: the dispatcher's own, or `(method, params?, context?)` for a dispatcher that
 * declares none.
 */
export type WrappedParameters<F extends WebHookDispatcher> =
  Parameters<F> extends [string, ...unknown[]]
    ? Parameters<F>
    : [method: string, params?: DispatcherParams<F>, context?: DispatcherContext<F>]

/** A wrapped dispatcher: the same parameters, a Promise of the same result, and the `.webHooks` controller. */
export type WithWebHooks<F extends WebHookDispatcher> = ((
  ...args: WrappedParameters<F>
) => Promise<Awaited<ReturnType<F>>>) & {
  readonly webHooks: WebHooksController<DispatcherContext<F>, DispatcherParams<F>>
}

/**
 * Wraps `dispatcher` so that the calls matched by `config.hooks` send web hooks. Throws a `WebHookConfigError` when
 * `config` is invalid.
 *
 * @example
 * const call = withWebHooks((method, params, connection) => api[method](params, connection), {
 *   hooks: [{ method: 'vm.start', type: 'pre/post', url: 'https://hooks.example/xo', format: 'json' }],
 *   user: connection => ({ id: connection.userId, name: connection.userName, ip: connection.ip }),
 * })
 * await call('vm.start', { id }, connection)
 */
export function withWebHooks<F extends WebHookDispatcher>(
  dispatcher: F,
  config: WebHooksConfig<DispatcherContext<F>, DispatcherParams<F>>
): WithWebHooks<F> {
  // The one resolved configuration (issue 11): read by the core, its engine and the hooked path; configure() swaps it.
  const current = new CurrentConfig(config)
  const hooks = createCore(current)
  const dispatch = dispatcher as unknown as (...args: unknown[]) => unknown
  const calls = new HookedCalls(current, hooks, dispatch)
  /** Set by `close()`: new calls go straight through. */
  let closing = false
  let closed: Promise<WebHookCloseResult> | undefined

  // Hooked calls enter through a Proxy, which V8 never inlines. The wrapper's own optimised code then stays small, and
  // V8 12 and later (which count what a function has inlined against the caller's budget) keep inlining the wrapper
  // into the server's call site: without it, once hooked calls had run, an unmatched call cost 1.1x to 1.4x the bare
  // dispatcher on Node 22 and 24 instead of 1.0x to 1.07x (docs/performance.md). It adds well under 1 % to a hooked call.
  const enterHooked = new Proxy((self: unknown, args: unknown[]) => calls.call(self, args), {})

  /** The last method found unmatched: a repeat skips even the Map lookup. Reset by `configure`. */
  let miss: unknown
  // A `function` so that `this` is passed on to the dispatcher, as are all the arguments (exactly as many as given).
  // Kept small so that V8 inlines it into the server's call site: the unmatched path then costs about nothing over
  // the bare dispatcher (issue 3, ≤ 1.10x; `npm run bench -- overhead`). No rest parameter, no spread, no async frame,
  // no allocation on that path; the dispatcher's promise is returned as is, any other value wrapped in one. The
  // hooked path is a separate function.
  const wrapped = function (this: unknown, method: string, params?: unknown, context?: unknown): Promise<unknown> {
    if (method !== miss) {
      if (hooks.matches(method) && !closing) {
        // A copy of exactly the arguments given. Passing `arguments` itself would make V8 allocate it on every call,
        // the unmatched ones included, once this branch has run (+4 ns a call: `npm run bench -- overhead`).
        // biome-ignore lint/complexity/noArguments: the count of arguments given, without a rest parameter
        const count = arguments.length
        const args: unknown[] = [method, params, context]
        if (count < 3) args.length = count
        // biome-ignore lint/complexity/noArguments: read by index only, so never materialised
        for (let index = 3; index < count; index++) args.push(arguments[index])
        return enterHooked(this, args)
      }
      miss = method
    }
    let result: unknown
    try {
      // biome-ignore lint/complexity/noArguments: the count of arguments given, without a rest parameter
      const count = arguments.length
      if (this === undefined && count === 2) result = dispatch(method, params)
      else if (this === undefined && count === 3) result = dispatch(method, params, context)
      // biome-ignore lint/complexity/noArguments: V8 forwards `arguments` to `apply` without materialising it
      else result = dispatch.apply(this, arguments as unknown as unknown[])
    } catch (error) {
      return Promise.reject(error)
    }
    return result instanceof Promise ? result : Promise.resolve(result)
  }

  const controller: WebHooksController<DispatcherContext<F>, DispatcherParams<F>> = {
    configure(next) {
      hooks.configure(next)
      miss = undefined
    },
    close(options = {}) {
      // Calls whose user is still being resolved have not handed their pre over yet: wait for them (within the
      // deadline) so that they get their hooks too, as the calls already running do.
      if (closed !== undefined) return closed
      closing = true
      closed = closeAfter(calls.resolving, options.timeout, remaining => hooks.close(remaining))
      return closed
    },
    ...passedOn(hooks),
    get closed() {
      return closed !== undefined
    },
  }
  return Object.assign(wrapped, { webHooks: controller }) as WithWebHooks<F>
}

/** What the controller passes on to the core as it is: the wrapper adds nothing to these. */
function passedOn(
  hooks: WebHooks
): Pick<WebHooksController, 'test' | 'stats' | 'history' | 'replay' | 'deadLetters' | 'on'> {
  return {
    test: () => hooks.test(),
    stats: () => hooks.stats(),
    history: query => hooks.history(query),
    replay: ids => hooks.replay(ids),
    deadLetters: options => hooks.deadLetters(options),
    on: (event, listener) => hooks.on(event, listener),
  }
}
