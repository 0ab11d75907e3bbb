/**
 * Base class of every error thrown or reported by rpc-web-hooks.
 *
 * Each subclass has a stable string `code` (listed in docs/errors.md) so callers can branch on it without parsing
 * messages, and passes the underlying error through as `cause`.
 */
export class WebHookError extends Error {
  override name: string = 'WebHookError'
  /** Stable machine-readable code, e.g. `ERR_WEB_HOOK_CONFIG`. */
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}

/**
 * Whether `value` is a {@link WebHookError}. Checks the name and code too, so it works across realms and across
 * duplicated copies of the package (ESM and CommonJS side by side).
 */
export function isWebHookError(value: unknown): value is WebHookError {
  if (value instanceof WebHookError) return true
  return (
    value instanceof Error &&
    typeof (value as { code?: unknown }).code === 'string' &&
    value.name.startsWith('WebHook') &&
    value.name.endsWith('Error')
  )
}
