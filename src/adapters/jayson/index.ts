/**
 * `rpc-web-hooks/jayson`: web hooks for the methods of a `jayson` 4 server (an optional peer dependency: install it
 * yourself).
 *
 * @packageDocumentation
 */
export { WEB_HOOK_VETO_ERROR_CODE, webHooksMethods } from './methods.js'
export type {
  JaysonCallback,
  JaysonContextMethod,
  JaysonMethod,
  JaysonMethodError,
  WebHooksMethods,
  WebHooksMethodsOptions,
} from './methods.js'
