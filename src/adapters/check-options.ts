/**
 * Checks of the adapters' own options (beside the hooks configuration, which `withWebHooks` checks): a wrong one is a
 * `WebHookConfigError` naming it at construction, not a surprise at the first veto.
 */
import { WebHookConfigError } from '../errors/config-error.js'

/** `vetoErrorCode` of the JSON-RPC adapters: an integer, as JSON-RPC error codes are. */
export function checkJsonRpcCode(value: unknown, path: string): void {
  if (value !== undefined && !Number.isInteger(value)) {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_TYPE',
      path,
      `must be an integer JSON-RPC error code (such as -32040), got ${JSON.stringify(value)}`
    )
  }
}
