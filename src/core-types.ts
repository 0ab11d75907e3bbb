/**
 * The core's public interface: `WebHooks`, what `createWebHooks` returns (src/create-web-hooks.ts). Apart from its
 * maker so that the wrapper (src/wrapper/) and the adapters can name it without importing the core above them.
 */
import type { WebHookCallData, WebHookPostCallData } from './payload/call-data.js'
import type { WebHooksController } from './web-hooks-controller.js'

/** The core: a hook table bound to a delivery engine. */
export interface WebHooks extends WebHooksController {
  /** Whether any hook fires for `method` (one Map lookup for an unmatched method). */
  matches(method: string): boolean
  /**
   * Sends the pre hooks of a call. Returns `undefined` when nothing is to be waited for (no waiting or veto pre hook),
   * else a promise that resolves once the waiting hooks finished (success, failure or timeout; XO's
   * `waitForResponse`), or rejects with a `WebHookVetoError` when a veto hook refused the call.
   */
  pre(data: WebHookCallData): Promise<void> | undefined
  /** Queues the post hooks of a completed call; never waits, never throws. */
  post(data: WebHookPostCallData): void
  /**
   * How long a call of `method` may wait for its hooks: `waited`, the longest timeout of its waiting or veto pre
   * hooks (`undefined` when `pre()` does not wait), and `longest`, the longest timeout of all its hooks. `undefined`
   * when no hook fires for `method`. A host resolving the user asynchronously bounds that wait with them.
   */
  timeouts(method: string): WebHookTimeouts | undefined
}

/** What {@link WebHooks.timeouts} returns. */
export interface WebHookTimeouts {
  /** The longest timeout of the waiting (`waitForResponse`) and veto pre hooks, ms; `undefined` when none. */
  waited: number | undefined
  /** The longest timeout of all the hooks, ms. */
  longest: number
}
