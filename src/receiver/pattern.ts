import { WebHookConfigError } from '../errors/config-error.js'

/**
 * A method matcher from a pattern: an exact name (`vm.start`), a prefix ending with `*` (`vm.*`), or `*` (every
 * method). The same syntax as a hook's `method` on the sender.
 */
export function compilePattern(pattern: unknown, where: string): (method: string) => boolean {
  const star = typeof pattern === 'string' ? pattern.indexOf('*') : -1
  if (typeof pattern !== 'string' || pattern === '' || (star !== -1 && star !== pattern.length - 1)) {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      where,
      `expected a method name (vm.start), a prefix ending with * (vm.*) or * (every method), got ${JSON.stringify(pattern)}`
    )
  }
  if (pattern === '*') return () => true
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1)
    return method => method.startsWith(prefix)
  }
  return method => method === pattern
}
