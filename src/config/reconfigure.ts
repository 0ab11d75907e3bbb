/**
 * What `configure()` may change on a running wrapper: the rules beside the normaliser, checked on the resolved
 * configurations before anything changes.
 */
import { WebHookConfigError } from '../errors/config-error.js'
import type { ResolvedConfig } from './normalized.js'

/** Throws when `next` changes an option that `configure()` cannot change on a running engine (first config: `first`). */
export function assertReconfigurable(first: ResolvedConfig, next: ResolvedConfig): void {
  if (next.queue.fifo !== first.queue.fifo) throw fixedOption('queue.ordering')
  if (next.transport !== undefined && next.transport !== first.transport) throw fixedOption('transport')
  if (next.store !== undefined && next.store !== first.store) throw fixedOption('store')
}

function fixedOption(path: string): WebHookConfigError {
  return new WebHookConfigError(
    'ERR_WEB_HOOK_CONFIG_VALUE',
    path,
    'cannot be changed by configure(); close() this wrapper and create a new one with the new value'
  )
}

/** Whether two configurations have the same safe-URL policy (same allow-list, same lookup function). */
export function sameSafeUrls(a: ResolvedConfig, b: ResolvedConfig): boolean {
  const [left, right] = [a.safeUrlsKey, b.safeUrlsKey]
  if (left === undefined || right === undefined) return left === right
  return left.lookup === right.lookup && left.allow === right.allow
}
