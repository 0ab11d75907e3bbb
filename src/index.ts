// The sender's public face: every export by name.
export { WebHookError, isWebHookError } from './errors/web-hook-error.js'
export { WebHookConfigError } from './errors/config-error.js'
export type { WebHookConfigErrorCode } from './errors/config-error.js'
export { generateSecret } from './security/secret.js'
export type {
  HookConfig,
  WebHooksConfig,
  WebHookType,
  WebHookFormat,
  WebHookUser,
  WebHookErrorEvent,
  WebHookLogger,
  WebHookRetryOptions,
  WebHookDeliveryOptions,
  WebHookRedactOptions,
  WebHookSafeUrlOptions,
  WebHookQueueOptions,
  WebHookBreakerOptions,
} from './config/types.js'
export type {
  WebHookPayload,
  WebHookPrePayload,
  WebHookPostPayload,
  WebHookPostResultPayload,
  WebHookPostErrorPayload,
  WebHookPayloadBase,
  WebHookMethodMap,
  WebHookMethodSpec,
  AnyWebHookMethods,
  WebHookParamsOf,
  WebHookResultOf,
  SerializedError,
  WebHookOffice365Card,
} from './payload/types.js'
export type {
  WebHookTransport,
  WebHookTransportRequest,
  WebHookTransportResponse,
  WebHookDeliveryOutcome,
  WebHookStore,
  WebHookDeliveryEventMap,
  WebHookStats,
  WebHookCloseResult,
} from './delivery/types.js'
