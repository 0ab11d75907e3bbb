/**
 * The receiver's handlers: registered by `on`, `onPre`, `onPost` and `onCall`, run for each payload in order of
 * registration; a pre handler's refusal (a veto) answers 403; `onCall` handlers get both halves of a call, paired by
 * `callId`.
 */
import { WebHookConfigError } from '../errors/config-error.js'
import { WebHookDeniedError } from '../errors/denied-error.js'
import { isWebHookError } from '../errors/web-hook-error.js'
import type { WebHookPayload } from '../payload/types.js'
import { compileMethodPattern, isMethodPattern, METHOD_PATTERN_SYNTAX } from '../patterns/method-pattern.js'
import { type Correlator, createCorrelator } from './correlation.js'
import { errorResponse, jsonResponse, noContent } from './http.js'
import type { WebHookResponseOutput } from './types.js'

interface Handler {
  type: 'pre' | 'post' | undefined
  match: (method: string) => boolean
  fn: (state: any) => unknown
}

/** Reports a failure to `onError` (never throws). */
export type Report = (error: unknown, status: number, payload?: WebHookPayload) => void

const HANDLER_FAILED = 'A handler of this receiver failed (see its logs); retry later.'

/** The 500 answered when a handler (or the dedupe store) failed: the sender retries. */
export const handlerFailed = () => errorResponse(500, 'ERR_WEB_HOOK_HANDLER', HANDLER_FAILED)

export class Handlers {
  readonly #handlers: Handler[] = []
  readonly #callHandlers: Array<(state: any) => unknown> = []
  readonly #correlator: Correlator
  readonly #report: Report

  constructor(orphanTtl: number, onOrphan: ((state: any) => void) | undefined, report: Report) {
    this.#report = report
    this.#correlator = createCorrelator(orphanTtl, orphan => safely(() => onOrphan?.(orphan)))
  }

  /** Halves of calls waiting for their other half. */
  get pending(): number {
    return this.#correlator.size
  }

  close(): void {
    this.#correlator.clear()
  }

  /** `on`, `onPre` and `onPost`: `(pattern, handler)`, or `(handler)` for every method. */
  register(type: Handler['type'], where: string, args: unknown[]): void {
    const [pattern, fn] = args.length >= 2 ? args : ['*', args[0]]
    if (typeof fn !== 'function') {
      throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', `${where}(handler)`, 'the handler must be a function')
    }
    if (!isMethodPattern(pattern)) {
      throw new WebHookConfigError(
        'ERR_WEB_HOOK_CONFIG_VALUE',
        `${where}(pattern)`,
        `expected ${METHOD_PATTERN_SYNTAX}, got ${JSON.stringify(pattern)}`
      )
    }
    const { test } = compileMethodPattern(pattern)
    this.#handlers.push({ type, match: test, fn: fn as Handler['fn'] })
  }

  onCall(handler: unknown): void {
    if (typeof handler !== 'function') {
      throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_TYPE', 'onCall(handler)', 'the handler must be a function')
    }
    this.#callHandlers.push(handler as (state: any) => unknown)
  }

  /** Runs the handlers of one payload, then pairs it: 204, 403 `{ reason }` (denied) or 500 (a handler threw). */
  async run(payload: WebHookPayload, webHookId: string | undefined, headers: Record<string, string>) {
    // One async function per payload: a handler's answer is awaited only when it is a promise, and the pairing only
    // when there are `onCall` handlers (each await a microtask turn, each async call a promise: issue 11, item 4).
    const state = { payload, webHookId, headers }
    let denial: string | undefined
    try {
      for (const handler of this.#handlers) {
        if ((handler.type !== undefined && handler.type !== payload.type) || !handler.match(payload.method)) continue
        const returned = handler.fn(state)
        const answer = isThenable(returned) ? await returned : returned
        if (payload.type === 'pre' && isRefusal(answer)) {
          denial = typeof answer.reason === 'string' && answer.reason !== '' ? answer.reason : 'denied'
          break
        }
      }
    } catch (error) {
      if (!isDenied(error)) {
        this.#report(error, 500, payload)
        return handlerFailed()
      }
      denial = error.reason
    }
    if (this.#callHandlers.length > 0) {
      const failed = await this.#pair(payload)
      if (failed !== undefined) return failed
    }
    return denial === undefined ? noContent() : jsonResponse(403, { reason: denial })
  }

  /** Gives a completed call to the `onCall` handlers; the 500 to answer when one threw. */
  async #pair(payload: WebHookPayload): Promise<WebHookResponseOutput | undefined> {
    const pair = this.#correlator.add(payload)
    if (pair === undefined) return undefined
    try {
      for (const handler of this.#callHandlers)
        await handler({ callId: payload.callId, method: payload.method, ...pair })
    } catch (error) {
      this.#correlator.restore(payload.type === 'pre' ? pair.post : pair.pre)
      this.#report(error, 500, payload)
      return handlerFailed()
    }
    return undefined
  }
}

/** A promise or any thenable (a handler may return either): awaited; anything else is the answer itself. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function'
}

function isRefusal(answer: unknown): answer is { allow: false; reason?: unknown } {
  return typeof answer === 'object' && answer !== null && (answer as { allow?: unknown }).allow === false
}

function isDenied(error: unknown): error is WebHookDeniedError {
  return error instanceof WebHookDeniedError || (isWebHookError(error) && error.code === 'ERR_WEB_HOOK_DENIED')
}

export function safely(fn: () => void): void {
  try {
    fn()
  } catch {
    // A throwing logging callback must not change the answer.
  }
}
