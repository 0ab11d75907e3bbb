/**
 * The hooked path of a wrapped dispatcher (`withWebHooks`): the call's data (its user resolved), its pre hooks (which
 * may wait, or veto the call), the dispatcher, then its post hooks. Hooks never change a call's result or error.
 */
import type { CurrentConfig } from '../config/current.js'
import type { WebHookUser } from '../config/types.js'
import { OpenCalls } from '../delivery/open-calls.js'
import type { WebHookCallData, WebHookPostCallData } from '../payload/call-data.js'
import { randomId } from '../payload/ids.js'
import type { WebHooks } from '../core-types.js'
import { boundedUser, DEFAULT_USER_WAIT, isThenable, startUser } from './user.js'

type Dispatch = (...args: unknown[]) => unknown

function callData(
  method: string,
  params: unknown,
  callId: string,
  user: WebHookUser | undefined,
  timestamp = Date.now()
): WebHookCallData {
  return { callId, userId: user?.id, userName: user?.name, userIp: user?.ip, method, params, timestamp }
}

/** Post data as a literal in XO's key order (no spreads: this runs once per hooked call). */
function postData(data: WebHookCallData, outcome: 'result' | 'error', value: unknown, end?: number) {
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
  return ended
}

export class HookedCalls {
  /** Calls whose asynchronous user is being resolved beside them (their pre not handed over yet). */
  readonly resolving = new OpenCalls()

  constructor(
    private readonly current: CurrentConfig,
    private readonly hooks: WebHooks,
    private readonly dispatch: Dispatch
  ) {}

  /**
   * A call of a hooked method. Without the `user` option nor a waiting pre hook, the call runs at once, chained with
   * one `.then` (no async frame: issue 3, throughput).
   */
  call(self: unknown, args: unknown[]): Promise<unknown> {
    if (this.current.resolved.user !== undefined) return this.hooked(self, args, undefined, undefined)
    const data = callData(args[0] as string, args[1], randomId(), undefined)
    const pending = this.pre(data)
    if (pending !== undefined) return this.hooked(self, args, data, pending)
    let result: unknown
    try {
      result = this.dispatch.apply(self, args)
    } catch (error) {
      this.post(data, 'error', error)
      return Promise.reject(error)
    }
    return Promise.resolve(result).then(
      value => {
        this.post(data, 'result', value)
        return value
      },
      error => {
        this.post(data, 'error', error)
        throw error
      }
    )
  }

  /** Sends the pre hooks; returns what there is to wait for (see `WebHooks.pre`). */
  private pre(data: WebHookCallData): Promise<void> | undefined {
    try {
      return this.hooks.pre(data)
    } catch (error) {
      this.current.logger.error('web hook pre failed', { method: data.method, error })
      return undefined
    }
  }

  private post(data: WebHookCallData, outcome: 'result' | 'error', value: unknown, end?: number): void {
    try {
      this.hooks.post(postData(data, outcome, value, end))
    } catch (error) {
      this.current.logger.error('web hook post failed', { method: data.method, error })
    }
  }

  /** Runs the dispatcher and sends the post hooks: the end of every hooked call. */
  private async run(self: unknown, args: unknown[], data: WebHookCallData | Promise<WebHookCallData>) {
    let result: unknown
    try {
      result = await this.dispatch.apply(self, args)
    } catch (error) {
      const end = Date.now()
      if (data instanceof Promise) void data.then(known => this.post(known, 'error', error, end))
      else this.post(data, 'error', error)
      throw error
    }
    const end = Date.now()
    if (data instanceof Promise) void data.then(known => this.post(known, 'result', result, end))
    else this.post(data, 'result', result)
    return result
  }

  /**
   * The hooked path that waits: for the `user` option (when `data` is not given yet; an asynchronous one only when a
   * pre hook waits, bounded by its timeout), then for the pre hooks that say so (a veto refuses the call); then calls
   * the dispatcher and sends the post hooks.
   */
  private async hooked(
    self: unknown,
    args: unknown[],
    given: WebHookCallData | undefined,
    waiting: Promise<void> | undefined
  ): Promise<unknown> {
    let data = given
    let pending = waiting
    if (data === undefined) {
      const method = args[0] as string
      const params = args[1]
      const callId = randomId()
      const timestamp = Date.now()
      const user = startUser(this.current, method, params, args[2], callId)
      if (isThenable(user)) {
        const timeouts = this.hooks.timeouts(method)
        if (timeouts?.waited === undefined) {
          // Issue #12, item 8: the dispatcher runs now; the pre hooks go out once the user is known, the post after.
          this.resolving.open(callId)
          const wait = timeouts?.longest ?? DEFAULT_USER_WAIT
          const ready = boundedUser(this.current, user, wait, method, callId).then(known => {
            const beside = callData(method, params, callId, known, timestamp)
            this.pre(beside)
            this.resolving.end(callId)
            return beside
          })
          return this.run(self, args, ready)
        }
        const known = await boundedUser(this.current, user, timeouts.waited, method, callId)
        data = callData(method, params, callId, known, timestamp)
      } else {
        data = callData(method, params, callId, user, timestamp)
      }
      pending = this.pre(data)
    }
    if (pending !== undefined) {
      try {
        await pending
      } catch (veto) {
        // A veto hook refused the call: the dispatcher is not called; the post hooks report the veto.
        this.post(data, 'error', veto)
        throw veto
      }
    }
    return this.run(self, args, data)
  }
}
