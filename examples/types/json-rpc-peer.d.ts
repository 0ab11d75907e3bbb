/**
 * The part of `json-rpc-peer` (0.17, no types of its own) the examples and tests use.
 */
declare module 'json-rpc-peer' {
  import { EventEmitter } from 'node:events'

  export interface Message {
    type: 'request' | 'notification' | 'response' | 'error'
    method: string
    params?: unknown
    id?: string | number | null
  }

  export class Peer extends EventEmitter {
    constructor(onMessage?: (message: Message, data?: unknown) => unknown)
    exec(message: string, data?: unknown): Promise<string | undefined>
    write(message: unknown): boolean
    request(method: string, params?: unknown): Promise<any>
    notify(method: string, params?: unknown): Promise<void>
    failPendingRequests(reason: unknown): void
  }
  export default Peer

  export class JsonRpcError extends Error {
    constructor(message?: string, code?: number, data?: unknown)
    code: number
    data: unknown
    toJsonRpcError(): { code: number; message: string; data?: unknown }
  }
  export class MethodNotFound extends JsonRpcError {
    constructor(method?: string)
  }
}
