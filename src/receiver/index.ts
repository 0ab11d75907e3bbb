// The receiver's public face (`rpc-web-hooks/receiver`). Imports nothing of the sender (no ky, no undici).
export { WebHookError, isWebHookError } from '../errors/web-hook-error.js'
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
