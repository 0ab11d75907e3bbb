import { WebHookError } from './web-hook-error.js'

/**
 * `.webHooks.test()` failed: a sample payload could not be delivered to one of the configured hooks. The `cause` is the
 * delivery's error.
 */
export class WebHookTestError extends WebHookError {
  override name = 'WebHookTestError' as const
  declare readonly code: 'ERR_WEB_HOOK_TEST_FAILED'
  /** The hook's URL, credentials removed. */
  readonly url: string
  /** The hook's method (name or pattern). */
  readonly method: string
  /** `pre` or `post`. */
  readonly type: 'pre' | 'post'
  /** The HTTP status, when the hook answered. */
  readonly status: number | undefined

  constructor(options: {
    url: string
    method: string
    type: 'pre' | 'post'
    status?: number | undefined
    cause?: unknown
  }) {
    const { url, method, type, status, cause } = options
    const why = status === undefined ? (cause instanceof Error ? cause.message : 'no answer') : `HTTP ${status}`
    // A refused target was never contacted: "is the endpoint up" would send the reader the wrong way.
    const unsafe = (cause as { code?: unknown } | undefined)?.code === 'ERR_WEB_HOOK_UNSAFE_URL'
    const hint = unsafe
      ? 'The URL was refused by safeUrls before any request: allow it with safeUrls.allow, or fix the URL.'
      : 'Check that the endpoint is up and answers 2xx.'
    super('ERR_WEB_HOOK_TEST_FAILED', `The test ${type} hook of ${method} to ${url} failed (${why}). ${hint}`, {
      cause,
    })
    this.url = url
    this.method = method
    this.type = type
    this.status = status
  }
}
