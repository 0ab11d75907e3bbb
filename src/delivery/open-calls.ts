/**
 * The calls whose pre has been handed over and whose post has not yet: `close()` waits for them (up to its deadline)
 * so that a call running when it is called still gets its post hooks (issue #12, item 16).
 */
import { DEFAULT_CLOSE_TIMEOUT } from './options.js'

export class OpenCalls {
  readonly #ids = new Set<string>()
  #onEmpty: (() => void) | undefined

  open(callId: string): void {
    this.#ids.add(callId)
  }

  /** The call ended; whether it was open. */
  end(callId: string): boolean {
    if (!this.#ids.delete(callId)) return false
    if (this.#ids.size === 0) this.#onEmpty?.()
    return true
  }

  /** Resolves once no call is open, or after `timeout` ms. */
  ended(timeout: number): Promise<void> {
    if (this.#ids.size === 0) return Promise.resolve()
    return new Promise(resolve => {
      const timer = setTimeout(done, timeout)
      const self = this
      function done() {
        clearTimeout(timer)
        self.#onEmpty = undefined
        resolve()
      }
      this.#onEmpty = done
    })
  }
}

/**
 * `close` once `calls` have ended, within one deadline: `close` gets what is left of `timeout` (the default close
 * timeout when not given).
 */
export function closeAfter<T>(
  calls: OpenCalls,
  timeout: number | undefined,
  close: (options: { timeout: number }) => Promise<T>
): Promise<T> {
  const ms = timeout ?? DEFAULT_CLOSE_TIMEOUT
  const deadline = Date.now() + ms
  return calls.ended(ms).then(() => close({ timeout: Math.max(0, deadline - Date.now()) }))
}
