/**
 * Hooks of a stored XO configuration whose URL cannot be sent to (`hooks.example/xo`, no scheme). XO accepts them
 * (its schema does not check URLs) and fails them alone, at each send; the generic library refuses the whole
 * configuration. So that an upgrade from XO's plugin keeps every other hook working, the plugin sets them aside,
 * reports them when loaded, and logs XO's "web hook failed" each time one of them would have been sent (issue #12,
 * item 4).
 */
import { compileMethodPattern, type MethodMatcher } from '../../patterns/method-pattern.js'
import { resolveUrl } from '../../config/normalize.js'
import type { WebHookConfigError } from '../../errors/config-error.js'
import { isWebHookError } from '../../errors/web-hook-error.js'
import type { XoHookConfiguration, XoPluginConfiguration } from './types.js'

/** A hook set aside: what it would fire for, its URL as shown (credentials removed) and why it cannot be sent. */
export interface UnusableHook {
  method: string
  pre: boolean
  post: boolean
  /** The URL as configured, without anything before an `@` of its authority. */
  url: string
  error: WebHookConfigError
  fires(method: string): boolean
}

/** A URL that did not parse may still hold `user:password@`: cut the authority's userinfo before showing it. */
function shownUrl(url: unknown): string {
  return typeof url === 'string' ? url.replace(/^([a-z][a-z\d+.-]*:\/\/)?[^/?#]*@/i, '$1') : String(url)
}

function matcher(hook: XoHookConfiguration): (method: string) => boolean {
  const method: MethodMatcher = compileMethodPattern(String(hook.method))
  const excluded = (Array.isArray(hook.exclude) ? hook.exclude : []).map(pattern => compileMethodPattern(pattern))
  return name => method.test(name) && !excluded.some(pattern => pattern.test(name))
}

function urlError(hook: XoHookConfiguration, index: number): WebHookConfigError | undefined {
  try {
    resolveUrl(hook.url, `hooks[${index}].url`)
    return undefined
  } catch (error) {
    if (isWebHookError(error) && error.name === 'WebHookConfigError') return error as WebHookConfigError
    throw error
  }
}

/**
 * Splits a stored configuration: the hooks that can be sent to (for the core, which validates everything else) and
 * the ones whose URL cannot. A configuration whose `hooks` is not a list is returned as is, for the core to refuse.
 */
export function setAsideUnusable(configuration: XoPluginConfiguration): {
  usable: XoPluginConfiguration
  unusable: UnusableHook[]
} {
  const hooks = configuration?.hooks
  if (!Array.isArray(hooks)) return { usable: configuration, unusable: [] }
  const usable: XoHookConfiguration[] = []
  const unusable: UnusableHook[] = []
  for (const [index, hook] of hooks.entries()) {
    const error = typeof hook === 'object' && hook !== null ? urlError(hook, index) : undefined
    if (error === undefined) {
      usable.push(hook)
      continue
    }
    unusable.push({
      method: String(hook.method),
      pre: hook.type === 'pre' || hook.type === 'pre/post',
      post: hook.type === 'post' || hook.type === 'pre/post',
      url: shownUrl(hook.url),
      error,
      fires: matcher(hook),
    })
  }
  return { usable: { ...configuration, hooks: usable }, unusable }
}
