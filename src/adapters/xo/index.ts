/**
 * `rpc-web-hooks/xo`: a Xen Orchestra plugin with xo-server-web-hooks' contract (default export factory
 * `({ xo }) => ({ configure, load, unload, test })`, `configurationSchema` as a function of `{ xo }`, `testSchema`).
 * Loadable with `require` (XO loads plugins as CommonJS and reads `.default`) and with `import`.
 *
 * @packageDocumentation
 */
import { createXoWebHooksPlugin } from './plugin.js'

export { configurationSchema, testSchema } from './schema.js'
export type { XoJsonSchema } from './schema.js'
export { createXoWebHooksPlugin } from './plugin.js'
export { toWebHooksConfig } from './config.js'
export type {
  XoCallData,
  XoCallListener,
  XoHeader,
  XoHookConfiguration,
  XoLike,
  XoPlugin,
  XoPluginConfiguration,
  XoPluginOptions,
  XoTestData,
} from './types.js'

/** XO's plugin factory (the default export XO looks for). */
export default createXoWebHooksPlugin
