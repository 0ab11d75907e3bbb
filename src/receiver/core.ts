/**
 * The contract between the receiver's core (`createReceiver`) and its framework adapters (`node`, `fetch`): the core
 * decides, the adapters read the body and write the answer. Internal: not exported from the package.
 */
import type { WebHookRequestError } from '../errors/request-error.js'
import type { WebHookResponseOutput } from './types.js'

/** What the adapters need from a receiver. */
export interface ReceiverCore {
  readonly maxBodyBytes: number
  /** Longest wait for a whole body, ms (the node adapter's own read). */
  readonly bodyTimeout: number
  readonly verifies: boolean
  /** Checks made before reading the body; the response when the request is refused. */
  precheck(method: string | undefined, headers: Record<string, string>): WebHookResponseOutput | undefined
  /** Reports a refusal to `onError` and makes its response. */
  refuse(error: WebHookRequestError): WebHookResponseOutput
  /** Verifies, parses, deduplicates and dispatches one received body. */
  process(body: string | Uint8Array, headers: Record<string, string>): Promise<WebHookResponseOutput>
}
