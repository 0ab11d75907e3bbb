/**
 * The contract between the receiver's request flow (`flow.ts`) and its adapters (`node`, `fetch`, `handle`): an
 * adapter supplies the method, the headers and a way to get the body, and writes the answer it is given; the flow
 * decides everything else (as octokit/webhooks.js' `createMiddleware` with its `getPayload` and `handleResponse`).
 * Internal: not exported from the package.
 */
import type { WebHookHeadersInput } from './signed-headers.js'
import type { WebHookResponseOutput } from './types.js'

/** How an adapter has the body. */
export type ReceivedBody =
  /** Already in memory, raw (`handle`, or a body parser that kept the bytes: `express.raw`). */
  | { kind: 'raw'; value: string | Uint8Array }
  /** Already parsed into an object by a body parser (`express.json()`): verifiable only when nothing is signed. */
  | { kind: 'parsed'; value: object }
  /**
   * Still to be read: `read` stops at `limit` bytes (`'too large'`) or after `timeout` ms (`'timeout'`, when the
   * adapter can tell; the fetch adapter leaves that to its host).
   */
  | { kind: 'stream'; read(limit: number, timeout: number): Promise<Uint8Array | 'too large' | 'timeout'> }

/** One request as an adapter sees it. */
export interface ReceivedRequest {
  method: string | undefined
  headers: WebHookHeadersInput | undefined
  body: ReceivedBody
}

/**
 * The answer to write. `close`: the body was not read to its end, so the connection must not be kept alive;
 * `destroy`: the client is still sending, so the socket goes once the answer is out.
 */
export interface ReceiverAnswer {
  response: WebHookResponseOutput
  close: boolean
  destroy: boolean
}

/** The request flow, as the adapters call it. */
export type ServeRequest = (request: ReceivedRequest) => Promise<ReceiverAnswer>
