/**
 * From the configuration XO stores (its form's shape) to our `WebHooksConfig`. The XO fields pass through unchanged, so
 * a stored xo-server-web-hooks 0.4.0 configuration means the same; the form-friendly extras are translated (headers
 * as a list, retries as a number).
 */
import type { HookConfig, WebHookLogger, WebHooksConfig } from '../../config/types.js'
import { configurationSchema } from './schema.js'
import type { XoHookConfiguration, XoPluginConfiguration } from './types.js'

/** Redirects XO's released HTTP helper (http-request-plus) follows. */
export const XO_REDIRECTS = 5

/** The fields of a hook in the plugin's schema: only those are passed on (a UI may store more, which XO ignores). */
const XO_HOOK_FIELDS = Object.keys(
  (configurationSchema() as { properties: { hooks: { items: { properties: object } } } }).properties.hooks.items
    .properties
)

function toHook(hook: XoHookConfiguration): HookConfig {
  if (typeof hook !== 'object' || hook === null) return hook
  // A field XO's form left empty may be stored as null: it means "not set", for `secret` too.
  const known = Object.entries(hook).filter(([key, value]) => XO_HOOK_FIELDS.includes(key) && value != null)
  const { headers, retries, ...rest } = Object.fromEntries(known) as unknown as XoHookConfiguration
  const out: HookConfig = { ...rest }
  if (Array.isArray(headers) && headers.length > 0) {
    out.headers = Object.fromEntries(headers.map(({ name, value }) => [name, value]))
  }
  if (typeof retries === 'number') out.retry = retries === 0 ? false : { retries }
  return out
}

/**
 * The `WebHooksConfig` for a stored XO configuration. Invalid values are left for `normalizeConfig` to report (with
 * the path of the bad field).
 *
 * @example toWebHooksConfig({ hooks: [{ method: 'vm.start', type: 'pre', url: 'https://hooks.example/' }] })
 */
export function toWebHooksConfig(
  configuration: XoPluginConfiguration,
  options: { logger?: WebHookLogger | undefined } = {}
): WebHooksConfig {
  const hooks = Array.isArray(configuration?.hooks) ? configuration.hooks.map(toHook) : configuration?.hooks
  // XO sends error stacks; keep doing so unless the administrator turned it off. XO follows redirects: its released
  // HTTP helper up to 5, keeping the POST and its body on 307/308 (a hook's own `redirects` still wins).
  const config: WebHooksConfig = {
    hooks: hooks as HookConfig[],
    includeErrorStack: configuration?.includeErrorStack ?? true,
    redirects: XO_REDIRECTS,
  }
  if (options.logger !== undefined) config.logger = options.logger
  return config
}
