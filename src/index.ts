// The sender's public face: every export by name.
export { withWebHooks } from './with-web-hooks.js'
export type {
  WithWebHooks,
  WebHooksController,
  WebHookDispatcher,
  DispatcherParams,
  DispatcherContext,
  WrappedParameters,
} from './with-web-hooks.js'
export { createWebHooks } from './create-web-hooks.js'
export type { WebHooks, WebHookTimeouts } from './core-types.js'
export type { WebHookTelemetry, WebHookTelemetryOptions } from './telemetry/types.js'
export type { WebHookCallData, WebHookPostCallData } from './payload/call-data.js'
export { configurationSchema } from './config/schema.js'
export { WebHookVetoError } from './errors/veto-error.js'
export type { WebHookVetoErrorCode, WebHookVetoErrorOptions } from './errors/veto-error.js'
export { WebHookTestError } from './errors/test-error.js'
export { WebHookUserError } from './errors/user-error.js'
export { WebHookClosedError } from './errors/closed-error.js'
export { WebHookError, isWebHookError } from './errors/web-hook-error.js'
export { WebHookConfigError } from './errors/config-error.js'
export type { WebHookConfigErrorCode } from './errors/config-error.js'
export { WebHookPayloadError } from './errors/payload-error.js'
export type { WebHookPayloadErrorCode } from './errors/payload-error.js'
export { generateSecret } from './security/secret.js'
export { WebHookUnsafeUrlError } from './errors/unsafe-url-error.js'
export type { WebHookAddressRange } from './errors/unsafe-url-error.js'
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
  WebHookHistoryOptions,
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
  WebHookDeliveryFailure,
  WebHookDeliveryOutcome,
  WebHookDeliveryEventMap,
  WebHookStats,
  WebHookCloseResult,
  WebHookDeliveryInfo,
  WebHookDropReason,
  WebHookBreakerState,
  WebHookLatencyStats,
  WebHookEndpointStats,
} from './contracts/delivery.js'
export type {
  WebHookStore,
  WebHookStoredDelivery,
  WebHookDeadLetter,
  WebHookLease,
  WebHookStoreContext,
  WebHookStoreWorker,
  WebHookStoreAttemptResult,
} from './contracts/store.js'
export type {
  WebHookAttemptOutcome,
  WebHookAttemptRecord,
  WebHookWindowCounts,
  WebHookSeries,
  WebHookEndpointHistory,
  WebHookHistoryQuery,
  WebHookHistory,
} from './delivery/history-types.js'
export { undiciTransport } from './delivery/transports/undici.js'
export type {
  WebHookUndiciTransportOptions,
  WebHookTlsOptions,
  WebHookClosableTransport,
} from './delivery/transports/undici.js'
export { kyTransport } from './delivery/transports/ky.js'
export type { WebHookKyTransportOptions } from './delivery/transports/ky.js'
export { memoryStore } from './delivery/memory-store.js'
export type { WebHookMemoryStore, WebHookMemoryStoreOptions } from './delivery/memory-store.js'
export { WebHookDeliveryError } from './errors/delivery-error.js'
export { WebHookStoreError } from './errors/store-error.js'
export type { WebHookStoreErrorCode } from './errors/store-error.js'
export type { WebHookDeliveryErrorCode, WebHookDeliveryErrorOptions } from './errors/delivery-error.js'
