import { WebHookError } from './web-hook-error.js'

/**
 * `configure()` or `test()` was called after `close()`: closed web hooks stay closed (calls go straight through, no
 * hook is sent). Create new ones (`withWebHooks` / `createWebHooks`) to send hooks again.
 */
export class WebHookClosedError extends WebHookError {
  override name = 'WebHookClosedError' as const
  declare readonly code: 'ERR_WEB_HOOK_CLOSED'
  /** What was called: `configure` or `test`. */
  readonly operation: 'configure' | 'test'

  constructor(operation: 'configure' | 'test') {
    super(
      'ERR_WEB_HOOK_CLOSED',
      `Cannot ${operation === 'configure' ? 'configure' : 'test'} web hooks after close(): they stay closed. ` +
        'Create new ones with withWebHooks() or createWebHooks() to send hooks again.'
    )
    this.operation = operation
  }
}
