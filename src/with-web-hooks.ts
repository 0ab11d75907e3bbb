/**
 * `withWebHooks(dispatcher, config)`: wraps a method dispatcher so that configured calls send Xen Orchestra-style
 * web hooks before (`pre`) and after (`post`) they run. Hooks never change a call's result or error.
 */
import type { WebHookUser, WebHooksConfig } from './config/types.js'
import { WebHookUserError } from './errors/user-error.js'
import type { WebHookCallData, WebHookPostCallData } from './payload/call-data.js'
import { randomId } from './payload/ids.js'
import type { WebHookCloseResult } from './delivery/types.js'
import { closeAfter, OpenCalls } from './delivery/open-calls.js'
import { createWebHooks } from './web-hooks.js'
import type { WebHooksController } from './web-hooks-controller.js'

export type { WebHooksController } from './web-hooks-controller.js'

/** What a call's payloads say when `user()` failed: XO's name for an unknown user. */
const UNKNOWN_USER: WebHookUser = { name: '(unknown user)' }

/** How long an asynchronous `user()` may take when no hook of the method says (the default timeout), ms. */
const DEFAULT_USER_WAIT = 10_000

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function'
}

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
  const hooks = createWebHooks(config)
  let current = config
  /** Set by `close()`: new calls go straight through. */
  let closing = false
  let closed: Promise<WebHookCloseResult> | undefined
  /** Calls whose asynchronous user is being resolved beside them (their pre not handed over yet). */
  const resolving = new OpenCalls()
  const dispatch = dispatcher as unknown as (...args: unknown[]) => unknown

  /** Logging must never break a call either. */
  function logError(message: string, context: object): void {
    try {
      current.logger?.error(message, context)
    } catch {}
  }

  /** A failed `user()` is reported; the call's payloads say `(unknown user)`, as XO's for an unknown user. */
  function userFailed(method: string, callId: string, cause: unknown): WebHookUser {
    const error = new WebHookUserError(method, cause)
    logError('web hook user() failed', { method, error })
    try {
      current.onError?.({ error, url: '', method, type: 'pre', callId, deliveryId: '' })
    } catch {}
    return UNKNOWN_USER
  }

  /** The user of a call: at once when `user()` returns it, else its promise (never rejecting: failures reported). */
  function startUser(
    method: string,
    params: unknown,
    context: unknown,
    callId: string
  ): WebHookUser | undefined | PromiseLike<WebHookUser | undefined> {
    const { user } = current
    if (user === undefined) return undefined
    let value: ReturnType<typeof user>
    try {
      value = user(context as DispatcherContext<F>, method, params as DispatcherParams<F>)
    } catch (cause) {
      return userFailed(method, callId, cause)
    }
    return isThenable(value) ? value : (value ?? undefined)
  }

  /** Waits for an asynchronous `user()` at most `ms`: past that, or on a rejection, it is reported as failed. */
  function bounded(
    promise: PromiseLike<WebHookUser | undefined>,
    ms: number,
    method: string,
    callId: string
  ): Promise<WebHookUser | undefined> {
    return new Promise(resolve => {
      let settled = false
      const settle = (user: WebHookUser | undefined) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(user)
      }
      const timer = setTimeout(
        () => settle(userFailed(method, callId, new Error(`its promise did not settle within ${ms} ms`))),
        ms
      )
      Promise.resolve(promise).then(
        user => settle(user ?? undefined),
        cause => {
          if (!settled) settle(userFailed(method, callId, cause))
        }
      )
    })
  }

  /** Post data as a literal in XO's key order (no spreads: this runs once per hooked call). */
  function post(data: WebHookCallData, outcome: 'result' | 'error', value: unknown, end?: number): void {
    const timestamp = end ?? Date.now()
    const ended: WebHookPostCallData =
      outcome === 'result'
        ? {
            callId: data.callId,
            userId: data.userId,
            userName: data.userName,
            userIp: data.userIp,
            method: data.method,
            params: data.params,
            timestamp,
            duration: timestamp - data.timestamp,
            result: value,
          }
        : {
            callId: data.callId,
            userId: data.userId,
            userName: data.userName,
            userIp: data.userIp,
            method: data.method,
            params: data.params,
            timestamp,
            duration: timestamp - data.timestamp,
            error: value,
          }
    try {
      hooks.post(ended)
    } catch (error) {
      logError('web hook post failed', { method: data.method, error })
    }
  }

  function callData(
    method: string,
    params: unknown,
    callId: string,
    user: WebHookUser | undefined,
    timestamp = Date.now()
  ): WebHookCallData {
    return {
      callId,
      userId: user?.id,
      userName: user?.name,
      userIp: user?.ip,
      method,
      params,
      timestamp,
    }
  }

  /** Sends the pre hooks; returns what there is to wait for (see `WebHooks.pre`). */
  function pre(data: WebHookCallData): Promise<void> | undefined {
    try {
      return hooks.pre(data)
    } catch (error) {
      logError('web hook pre failed', { method: data.method, error })
      return undefined
    }
  }

  /**
   * A call whose user is still being resolved and whose pre hooks do not wait (issue #12, item 8): the dispatcher
   * runs now; the pre hooks go out once the user is known, the post hooks after both.
   */
  async function besideUser(
    self: unknown,
    args: unknown[],
    ready: Promise<WebHookCallData>
  ): Promise<Awaited<ReturnType<F>>> {
    let result: Awaited<ReturnType<F>>
    try {
      result = (await dispatch.apply(self, args)) as Awaited<ReturnType<F>>
    } catch (error) {
      const end = Date.now()
      void ready.then(data => post(data, 'error', error, end))
      throw error
    }
    const end = Date.now()
    void ready.then(data => post(data, 'result', result, end))
    return result
  }

  /**
   * The hooked path that waits: for the `user` option (when `data` is not given yet; an asynchronous one only when a
   * pre hook waits, bounded by its timeout), then for the pre hooks that say so (a veto refuses the call); then calls
   * the dispatcher and sends the post hooks.
   */
  async function hooked(
    self: unknown,
    args: unknown[],
    given: WebHookCallData | undefined,
    waiting: Promise<void> | undefined
  ): Promise<Awaited<ReturnType<F>>> {
    let data = given
    let pending = waiting
    if (data === undefined) {
      const method = args[0] as string
      const params = args[1]
      const callId = randomId()
      const timestamp = Date.now()
      const user = startUser(method, params, args[2], callId)
      if (isThenable(user)) {
        const timeouts = hooks.timeouts(method)
        if (timeouts?.waited === undefined) {
          resolving.open(callId)
          const ready = bounded(user, timeouts?.longest ?? DEFAULT_USER_WAIT, method, callId).then(known => {
            const beside = callData(method, params, callId, known, timestamp)
            pre(beside)
            resolving.end(callId)
            return beside
          })
          return besideUser(self, args, ready)
        }
        data = callData(method, params, callId, await bounded(user, timeouts.waited, method, callId), timestamp)
      } else {
        data = callData(method, params, callId, user, timestamp)
      }
      pending = pre(data)
    }
    if (pending !== undefined) {
      try {
        await pending
      } catch (veto) {
        // A veto hook refused the call: the dispatcher is not called; the post hooks report the veto.
        post(data, 'error', veto)
        throw veto
      }
    }

    let result: Awaited<ReturnType<F>>
    try {
      result = (await dispatch.apply(self, args)) as Awaited<ReturnType<F>>
    } catch (error) {
      post(data, 'error', error)
      throw error
    }
    post(data, 'result', result)
    return result
  }

  /**
   * A call of a hooked method. Without the `user` option nor a waiting pre hook, the call runs at once, chained with
   * one `.then` (no async frame: issue 3, throughput).
   */
  function hookedCall(self: unknown, args: unknown[]): Promise<unknown> {
    if (current.user !== undefined) return hooked(self, args, undefined, undefined)
    const data = callData(args[0] as string, args[1], randomId(), undefined)
    const pending = pre(data)
    if (pending !== undefined) return hooked(self, args, data, pending)
    let result: unknown
    try {
      result = dispatch.apply(self, args)
    } catch (error) {
      post(data, 'error', error)
      return Promise.reject(error)
    }
    return Promise.resolve(result).then(
      value => {
        post(data, 'result', value)
        return value
      },
      error => {
        post(data, 'error', error)
        throw error
      }
    )
  }

  // Hooked calls enter through a Proxy, which V8 never inlines. The wrapper's own optimised code then stays small, and
  // V8 12 and later (which count what a function has inlined against the caller's budget) keep inlining the wrapper
  // into the server's call site: without it, once hooked calls had run, an unmatched call cost 1.1x to 1.4x the bare
  // dispatcher on Node 22 and 24 instead of 1.0x to 1.07x (docs/performance.md). It adds well under 1 % to a hooked call.
  const enterHooked = new Proxy(hookedCall, {})

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
      current = next
      miss = undefined
    },
    test: () => hooks.test(),
    close(options = {}) {
      // Calls whose user is still being resolved have not handed their pre over yet: wait for them (within the
      // deadline) so that they get their hooks too, as the calls already running do.
      if (closed !== undefined) return closed
      closing = true
      closed = closeAfter(resolving, options.timeout, remaining => hooks.close(remaining))
      return closed
    },
    stats: () => hooks.stats(),
    history: query => hooks.history(query),
    replay: ids => hooks.replay(ids),
    deadLetters: options => hooks.deadLetters(options),
    get closed() {
      return closed !== undefined
    },
    on: (event, listener) => hooks.on(event, listener),
  }
  return Object.assign(wrapped, { webHooks: controller }) as WithWebHooks<F>
}
