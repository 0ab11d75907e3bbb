/**
 * The receiver's one request flow: check the method and content type, get the body within `maxBodyBytes` (and
 * `bodyTimeout`), then hand it to `process` (verify, parse, dedupe, dispatch, pair) and return the answer. The
 * adapters (`node.ts`, `fetch.ts`, `handle`) only supply the request and write the answer.
 */
import { WebHookRequestError } from '../errors/request-error.js'
import type { ReceivedRequest, ReceiverAnswer, ServeRequest } from './core.js'
import { bodyTimedOut, checkRequest, declaredLength, errorResponse, normalizeHeaders, tooLarge } from './http.js'
import type { WebHookResponseOutput } from './types.js'

export interface FlowSettings {
  maxBodyBytes: number
  bodyTimeout: number
  /** Whether requests are verified (a parsed body cannot be). */
  verifies: boolean
  /** Reports a refusal to `onError` and makes its response. */
  refuse(error: WebHookRequestError): WebHookResponseOutput
  /** Verifies, parses, deduplicates and dispatches one body. */
  process(body: string | Uint8Array, headers: Record<string, string>): Promise<WebHookResponseOutput>
}

const READ_FAILED = 'The receiver failed to read the request; retry later.'

export function createRequestFlow(settings: FlowSettings): ServeRequest {
  const { maxBodyBytes, bodyTimeout, refuse, process } = settings
  const answer = (response: WebHookResponseOutput, close = false, destroy = false): ReceiverAnswer => ({
    response,
    close,
    destroy,
  })

  // One async function per request, its failures caught in it: each async layer more is a promise and a microtask
  // turn more per request (issue 11, item 4: docs/performance.md, the receiver).
  return async ({ method, headers: input, body }: ReceivedRequest): Promise<ReceiverAnswer> => {
    try {
      const headers = normalizeHeaders(input)
      const refused = checkRequest(method, headers)
      if (refused !== undefined) return answer(refuse(refused))
      if (body.kind === 'raw') {
        const size = typeof body.value === 'string' ? Buffer.byteLength(body.value) : body.value.byteLength
        return answer(size > maxBodyBytes ? refuse(tooLarge(maxBodyBytes)) : await process(body.value, headers))
      }
      if (body.kind === 'parsed') return answer(await parsedBody(settings, body.value, headers))
      // An unread oversized body is not drained: the connection is closed once the answer is sent.
      const length = declaredLength(headers)
      if (length !== undefined && length > maxBodyBytes) return answer(refuse(tooLarge(maxBodyBytes)), true)
      const read = await body.read(maxBodyBytes, bodyTimeout)
      if (read === 'too large') return answer(refuse(tooLarge(maxBodyBytes)), true)
      // The client is still sending: once the 408 is out, the connection goes, whatever keep-alive says.
      if (read === 'timeout') return answer(refuse(bodyTimedOut(bodyTimeout)), true, true)
      return answer(await process(read, headers))
    } catch {
      return answer(errorResponse(500, 'ERR_WEB_HOOK_HANDLER', READ_FAILED))
    }
  }
}

/**
 * A body a parser already turned into an object (express.json()). Unsigned, it is re-encoded; signed, it cannot be
 * verified (the exact bytes are gone), which is the receiver's own setup error: 500 so the sender retries once fixed.
 */
function parsedBody(settings: FlowSettings, body: object, headers: Record<string, string>) {
  if (!settings.verifies) return settings.process(JSON.stringify(body), headers)
  return settings.refuse(
    new WebHookRequestError(
      'ERR_WEB_HOOK_REQUEST_PARSED_BODY',
      500,
      'req.body was already parsed as JSON, so the raw body cannot be verified. Mount the receiver with ' +
        "express.raw({ type: 'application/json' }) (or before express.json()) so it gets the exact bytes."
    )
  )
}
