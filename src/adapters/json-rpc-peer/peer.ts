/**
 * `webHooksPeer(config)`: wraps the message handler given to `new Peer(handler)` of `json-rpc-peer` (0.17), so that
 * each request is a hooked call whose context (for `user()`) is the connection the peer serves.
 *
 * json-rpc-peer ships no types and only answers errors that have a `toJsonRpcError()` method (its `JsonRpcError`;
 * any other error becomes "unknown error"): the veto's error has that method, so nothing here imports the package.
 */
import type { WebHooksConfig } from '../../config/types.js'
import { isWebHookError } from '../../errors/web-hook-error.js'
import { optBoolean } from '../../validation/check.js'
import { checkJsonRpcCode } from '../check-options.js'
import { type WebHooksController, withWebHooks } from '../../with-web-hooks.js'

/** The JSON-RPC error code of a call refused by a veto hook (the range JSON-RPC 2.0 leaves to implementations). */
export const WEB_HOOK_VETO_ERROR_CODE = -32040

/** A parsed message as `json-rpc-peer` hands it to the handler of `new Peer(handler)`. */
export interface PeerMessage {
  type: 'request' | 'notification' | (string & {})
  method: string
  params?: unknown
  id?: string | number | null
}

/** The handler of `new Peer(handler)`: its return value (or promise) answers a request; a throw answers an error. */
export type PeerHandler = (message: PeerMessage, data?: unknown) => unknown

/** Options of {@link webHooksPeer}, beside the hooks configuration. */
export interface WebHooksPeerOptions {
  /**
   * Notifications (messages without an `id`) are hooked calls too; their post reports what the handler returned.
   * @default false
   */
  notifications?: boolean
  /**
   * The JSON-RPC error code answered when a veto hook refuses a request.
   * @default -32040
   */
  vetoErrorCode?: number
}

/**
 * Wraps a peer's handler for one connection: `new Peer(webHooks(handler, connection))`. The `connection` is the
 * context `config.user` receives. Carries the hooks' controller (`configure`, `test`, `close`, `stats`, `on`), shared
 * by every connection.
 */
export type WebHooksPeer<Connection> = ((handler: PeerHandler, connection: Connection) => PeerHandler) & {
  readonly webHooks: WebHooksController<Connection, unknown>
}

interface Call<Connection> {
  handler: PeerHandler
  message: PeerMessage
  data: unknown
  connection: Connection
}

/** The veto as json-rpc-peer answers errors: anything with `toJsonRpcError()` is sent as is. */
class PeerVetoError extends Error {
  override name = 'JsonRpcError'
  readonly code: number
  readonly data: unknown

  constructor(message: string, code: number, data: unknown) {
    super(message)
    this.code = code
    this.data = data
  }

  toJsonRpcError() {
    return { code: this.code, message: this.message, data: this.data }
  }
}

/**
 * Web hooks around the requests a `json-rpc-peer` `Peer` handles.
 *
 * - the handler's result is answered unchanged and is the post `result`; what it throws is answered as json-rpc-peer
 *   does (a `JsonRpcError` as is, anything else as "unknown error") and is the post `error`;
 * - notifications are passed through without hooks unless `notifications: true`;
 * - a veto throws an error json-rpc-peer answers as `{ code: vetoErrorCode, message, data: { code, url, status,
 *   reason } }`; the handler is not called.
 *
 * @example
 * const webHooks = webHooksPeer<Connection>({ hooks, user: connection => ({ id: connection.userId }) })
 * wss.on('connection', (socket, request) => {
 *   const connection = { userId: authenticate(request), ip: request.socket.remoteAddress }
 *   const peer = new Peer(webHooks(message => api[message.method](message.params), connection))
 *   socket.on('message', data => peer.write(data))
 *   peer.on('data', data => socket.send(data))
 * })
 */
export function webHooksPeer<Connection = void>(
  config: WebHooksConfig<Connection, unknown>,
  options: WebHooksPeerOptions = {}
): WebHooksPeer<Connection> {
  checkJsonRpcCode(options.vetoErrorCode, 'vetoErrorCode')
  const vetoErrorCode = options.vetoErrorCode ?? WEB_HOOK_VETO_ERROR_CODE
  const hookNotifications = optBoolean(options.notifications, 'notifications', false)
  const contextual = (current: WebHooksConfig<Connection, unknown>): WebHooksConfig<Call<Connection>, unknown> => {
    const { user } = current
    return {
      ...current,
      user: user === undefined ? undefined : (call, method, params) => user(call.connection, method, params),
    } as WebHooksConfig<Call<Connection>, unknown>
  }

  const dispatch = withWebHooks(
    async (_method: string, _params: unknown, call: Call<Connection>) => call.handler(call.message, call.data),
    contextual(config)
  )

  const wrap = (handler: PeerHandler, connection: Connection): PeerHandler =>
    async function webHooksPeerHandler(message, data) {
      if (message.type !== 'request' && !(hookNotifications && message.type === 'notification')) {
        return handler(message, data)
      }
      try {
        return await dispatch(message.method, message.params, { handler, message, data, connection })
      } catch (error) {
        if (isWebHookError(error) && error.name === 'WebHookVetoError') {
          const { code, url, status, reason } = error as typeof error & {
            url?: string
            status?: number
            reason?: string
          }
          throw new PeerVetoError(error.message, vetoErrorCode, { code, url, status, reason })
        }
        throw error
      }
    }

  const controller = dispatch.webHooks
  return Object.assign(wrap, {
    webHooks: {
      ...controller,
      configure: (next: WebHooksConfig<Connection, unknown>) => controller.configure(contextual(next)),
    } as WebHooksController<Connection, unknown>,
  })
}
