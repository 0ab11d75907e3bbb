/**
 * What the XO plugin needs from Xen Orchestra, and what it gives back: XO's plugin contract, typed.
 *
 * @packageDocumentation
 */
import type { WebHookLogger } from '../../config/types.js'
/**
 * The event data XO emits with `xo:preCall`, `xo:postCall`, `backup:preCall` and `backup:postCall` (XO's payload
 * without `type`).
 */
export interface XoCallData {
  callId: string
  userId?: string | undefined
  userName?: string | undefined
  userIp?: string | undefined
  method: string
  params?: unknown
  timestamp: number
  /** Post only. */
  duration?: number | undefined
  /** Post only, on success. */
  result?: unknown
  /** Post only, on failure: an Error or XO's serialised error. */
  error?: unknown
}

/** A listener of XO's call events; a pre listener's promise is awaited by XO. */
export type XoCallListener = (data: XoCallData) => unknown

/**
 * The part of XO's app object the plugin uses: an event emitter (XO's `xo` is one) and the API methods, whose names
 * feed the schema's method list.
 */
export interface XoLike {
  on(event: string, listener: XoCallListener): unknown
  removeListener(event: string, listener: XoCallListener): unknown
  /** API methods by name; only the keys are read. */
  apiMethods?: Readonly<Record<string, unknown>>
}

/** A header as XO's form edits it (xo-web cannot edit free-form maps). */
export interface XoHeader {
  name: string
  value: string
}

/** One hook as XO stores it (xo-server-web-hooks 0.4.0's fields) plus our optional fields. */
export interface XoHookConfiguration {
  /** An API method (`vm.start`) or a pattern (`vm.*`, `*`). */
  method: string
  type: 'pre' | 'post' | 'pre/post'
  url: string
  /**
   * Filled in by XO from the schema's default; old configurations may lack it.
   * @default 'json'
   */
  format?: 'json' | 'office365'
  /** @default false */
  waitForResponse?: boolean
  /** Methods or patterns excluded. @default [] */
  exclude?: string[]
  /** Standard Webhooks secret (`whsec_…`). */
  secret?: string
  /** Extra request headers. @default [] */
  headers?: XoHeader[]
  /** Retries after a failed request; 0 for none. @default 5 (the library default) */
  retries?: number
  /** Request timeout in ms. @default 10000 */
  timeout?: number
  /** Pre only: ask to stop the call unless the hook answers 2xx (XO does not stop it: see docs/xo-plugin.md). */
  veto?: boolean
  /** Veto hooks only: let the call go ahead when the hook is unreachable. @default false */
  failOpen?: boolean
}

/** The plugin's configuration, as XO stores it. */
export interface XoPluginConfiguration {
  hooks: XoHookConfiguration[]
  /**
   * Send error stacks in post payloads, as XO does.
   * @default true
   */
  includeErrorStack?: boolean
}

/** The test form's data (XO 0.3.x's form; 0.4.0 has none and ignores test()'s argument). */
export interface XoTestData {
  /** When set, a sample `vm.start` pre and post are sent there; otherwise every configured hook is tested. */
  url?: string | undefined
  /** @default 'json' */
  format?: 'json' | 'office365' | undefined
}

/** XO's plugin contract: what the default export's factory returns. */
export interface XoPlugin {
  configure(configuration: XoPluginConfiguration): void
  load(): void
  unload(): void
  test(data?: XoTestData): Promise<void>
}

/** What XO passes to the factory (plus `logger`, for programmatic use). */
export interface XoPluginOptions {
  xo: XoLike
  /** The plugin's section of xo-server's configuration file (unused). */
  staticConfig?: unknown
  /**
   * Where failed deliveries and other events are logged (message `web hook failed`, as XO's plugin logs them).
   * @default console, prefixed with `[xo:web-hooks]` (warnings and errors only)
   */
  logger?: WebHookLogger
}
