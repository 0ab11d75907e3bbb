// The receiver's public face (`rpc-web-hooks/receiver`). Imports nothing of the sender (no ky, no undici).
export { WebHookError, isWebHookError } from '../errors/web-hook-error.js'
export { verifyWebHook } from './verify.js'
export type { WebHookVerifyOptions } from './verify.js'
export type { WebHookHeadersInput } from './signed-headers.js'
export { WebHookVerificationError } from '../errors/verification-error.js'
export type { WebHookVerificationErrorCode } from '../errors/verification-error.js'
export { createReceiver } from './create-receiver.js'
export type { WebHookReceiver } from './types.js'
export type { WebHookTelemetry, WebHookTelemetryOptions } from '../telemetry/types.js'
export type { WebHookReceiverOptions, WebHookDedupeOptions } from './option-types.js'
export type {
  WebHookHandlerState,
  WebHookPreHandler,
  WebHookPostHandler,
  WebHookVerdict,
  WebHookCallState,
  WebHookOrphanState,
  WebHookReceiverErrorState,
  WebHookRequestInput,
  WebHookResponseOutput,
} from './types.js'
export type {
  WebHookMatchedMethods,
  WebHookMatchedApi,
  WebHookMethodPattern,
  WebHookCheckPattern,
} from './pattern-types.js'
export { parseWebHookPayload, isWebHookTestPayload } from './parse.js'
export type { WebHookTestPayload } from './parse.js'
export { deny } from './deny.js'
export { createMemoryDedupeStore } from './dedupe.js'
export type { WebHookDedupeStore, WebHookMemoryDedupeOptions } from './dedupe.js'
export { WebHookPayloadError } from '../errors/payload-error.js'
export type { WebHookPayloadErrorCode } from '../errors/payload-error.js'
export { WebHookDeniedError } from '../errors/denied-error.js'
export { WebHookRequestError } from '../errors/request-error.js'
export type { WebHookRequestErrorCode } from '../errors/request-error.js'
export { WebHookConfigError } from '../errors/config-error.js'
export type { WebHookConfigErrorCode } from '../errors/config-error.js'
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
  SerializedError,
} from '../payload/types.js'
