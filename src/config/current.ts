/**
 * The one resolved configuration of a wrapper (issue 11, item 2): made from the user's input in one place
 * (`normalizeConfig`), read by the wrapper, the core and the engine, and swapped whole by `configure()` once
 * `reconfigure.ts`'s rules accept the new one. Nothing below `config/` keeps the user's input. The user's logger is
 * reached through {@link CurrentConfig.logger}, which follows the swaps and never throws.
 */
import { normalizeConfig } from './normalize.js'
import type { ResolvedConfig } from './normalized.js'
import { assertReconfigurable } from './reconfigure.js'
import type { WebHookErrorEvent, WebHookLogger, WebHooksConfig } from './types.js'

type Level = 'debug' | 'info' | 'warn' | 'error'

export class CurrentConfig {
  #resolved: ResolvedConfig
  /** The first configuration: what `configure()` may not change is compared with it. */
  readonly #first: ResolvedConfig
  /** The current configuration's logger, guarded: a logger that throws never breaks a call or a delivery. */
  readonly logger: WebHookLogger = {
    debug: (message, context) => this.#log('debug', message, context),
    info: (message, context) => this.#log('info', message, context),
    warn: (message, context) => this.#log('warn', message, context),
    error: (message, context) => this.#log('error', message, context),
  }

  /** Normalises `input` (throws a `WebHookConfigError` when it is invalid). */
  constructor(input: WebHooksConfig) {
    this.#resolved = normalizeConfig(input)
    this.#first = this.#resolved
  }

  /** The configuration in force. */
  get resolved(): ResolvedConfig {
    return this.#resolved
  }

  /**
   * The configuration `input` would become, checked in full (values, then what `configure()` may change) before
   * anything changes; {@link swap} puts it in force.
   */
  prepare(input: WebHooksConfig): ResolvedConfig {
    const next = normalizeConfig(input)
    assertReconfigurable(this.#first, next)
    return next
  }

  swap(next: ResolvedConfig): void {
    this.#resolved = next
  }

  /** Tells the current `onError`, if any; a throwing one is ignored (it must not break a call). */
  onError(event: WebHookErrorEvent): void {
    try {
      this.#resolved.onError?.(event)
    } catch {}
  }

  #log(level: Level, message: string, context: object | undefined): void {
    const logger = this.#resolved.logger
    try {
      logger?.[level]?.(message, context)
    } catch {}
  }
}
