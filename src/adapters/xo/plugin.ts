/**
 * The Xen Orchestra plugin: a drop-in replacement for xo-server-web-hooks 0.4.0 that sends through our delivery
 * engine (retries, signing, ordering, stats) and understands method patterns.
 *
 * XO core awaits its `xo:preCall` / `backup:preCall` listeners (that is what makes `waitForResponse` work) but logs
 * their errors and goes on: a veto hook's refusal is reported (XO logs it) but cannot stop the call from a plugin.
 * See docs/xo-plugin.md.
 */
import type { WebHooks } from '../../core-types.js'
import { createWebHooks } from '../../create-web-hooks.js'
import type { WebHookLogger } from '../../config/types.js'
import { WebHookConfigError } from '../../errors/config-error.js'
import { WebHookTestError } from '../../errors/test-error.js'
import { toWebHooksConfig } from './config.js'
import { setAsideUnusable, type UnusableHook } from './unusable-hooks.js'
import type {
  XoCallData,
  XoCallListener,
  XoLike,
  XoPlugin,
  XoPluginConfiguration,
  XoPluginOptions,
  XoTestData,
} from './types.js'

/** XO's payload has no `type` in its event data; drop one if a host adds it, the core sets its own. */
function callData(data: XoCallData): XoCallData {
  if (!('type' in data)) return data
  const { type: _type, ...rest } = data as XoCallData & { type?: unknown }
  return rest
}

/** XO's plugin logs under `xo:web-hooks`; without XO's logger at hand, the console with that prefix. */
const consoleLogger: WebHookLogger = {
  warn: (message, context) => console.warn(`[xo:web-hooks] ${message}`, context ?? ''),
  error: (message, context) => console.error(`[xo:web-hooks] ${message}`, context ?? ''),
}

class XoWebHooksPlugin implements XoPlugin {
  readonly #xo: XoLike
  readonly #logger: WebHookLogger
  #hooks: WebHooks | undefined
  #unusable: UnusableHook[] = []
  #loaded = false

  /** Returned to XO's awaiting emit, so waitForResponse (and veto) hooks delay the call. */
  readonly #onPre: XoCallListener = data => {
    try {
      if (this.#unusable.length > 0) this.#failUnusable('pre', data)
      return this.#hooks?.pre(callData(data))
    } catch (error) {
      this.#logger.error('web hook pre failed', { method: data?.method, error })
    }
  }

  /** XO's post emit is synchronous: a throw here would reach XO's dispatcher, so none may escape. */
  readonly #onPost: XoCallListener = data => {
    try {
      if (this.#unusable.length > 0) this.#failUnusable('post', data)
      this.#hooks?.post(callData(data) as Parameters<WebHooks['post']>[0])
    } catch (error) {
      this.#logger.error('web hook post failed', { method: data?.method, error })
    }
  }

  constructor({ xo, logger = consoleLogger }: XoPluginOptions) {
    this.#xo = xo
    this.#logger = logger
  }

  /** XO logs each failed hook at each send: a hook whose URL cannot be used fails there, alone. */
  #failUnusable(type: 'pre' | 'post', data: XoCallData): void {
    for (const hook of this.#unusable) {
      if (!hook[type] || !hook.fires(data?.method)) continue
      this.#logger.error('web hook failed', { method: data.method, type, url: hook.url, error: hook.error })
    }
  }

  #reportUnusable(): void {
    for (const { method, url, error } of this.#unusable) {
      this.#logger.error('web hook not usable: its URL is invalid, it fails at each call until it is fixed', {
        method,
        url,
        error,
      })
    }
  }

  configure(configuration: XoPluginConfiguration): void {
    // XO accepts a hook URL without a scheme and fails that hook alone: set such hooks aside, keep the others.
    const { usable, unusable } = setAsideUnusable(configuration)
    const config = toWebHooksConfig(usable, { logger: this.#logger })
    // Validated by createWebHooks / configure: when invalid, a WebHookConfigError and the previous hooks stay.
    if (this.#hooks === undefined) this.#hooks = createWebHooks(config)
    else this.#hooks.configure(config)
    this.#unusable = unusable
    if (this.#loaded) this.#reportUnusable()
  }

  load(): void {
    if (this.#loaded) return
    this.#loaded = true
    this.#reportUnusable()
    this.#xo.on('xo:preCall', this.#onPre)
    this.#xo.on('xo:postCall', this.#onPost)
    this.#xo.on('backup:preCall', this.#onPre)
    this.#xo.on('backup:postCall', this.#onPost)
  }

  unload(): void {
    this.#loaded = false
    this.#xo.removeListener('xo:preCall', this.#onPre)
    this.#xo.removeListener('xo:postCall', this.#onPost)
    this.#xo.removeListener('backup:preCall', this.#onPre)
    this.#xo.removeListener('backup:postCall', this.#onPost)
  }

  /**
   * With a URL: XO 0.3.x's test form, a sample `vm.start` pre and post sent to it in `format`. Without: the sample to every
   * configured hook. Rejects with a `WebHookTestError` on the first failure.
   */
  async test({ url, format = 'json' }: XoTestData = {}): Promise<void> {
    if (url !== undefined && url !== '') {
      const probe = createWebHooks({
        hooks: [{ method: 'vm.start', type: 'pre/post', url, format }],
        retry: false,
        logger: this.#logger,
      })
      try {
        await probe.test()
      } finally {
        await probe.close({ timeout: 0 })
      }
      return
    }
    if (this.#hooks === undefined) {
      throw new WebHookConfigError(
        'ERR_WEB_HOOK_CONFIG_MISSING',
        'hooks',
        'The plugin is not configured: configure hooks first, or give a URL to test'
      )
    }
    // XO's test fails on such a hook too; it needs no request to know.
    const [unusable] = this.#unusable
    if (unusable !== undefined) {
      const type = unusable.pre ? 'pre' : 'post'
      throw new WebHookTestError({ url: unusable.url, method: unusable.method, type, cause: unusable.error })
    }
    await this.#hooks.test()
  }

  /** The core, for stats and delivery events (`undefined` until configured). */
  get webHooks(): WebHooks | undefined {
    return this.#hooks
  }
}

/**
 * XO's plugin factory: `({ xo }) => plugin`. XO calls `configure(configuration)` (validated against
 * `configurationSchema`), then `load()`; `unload()` removes exactly the four listeners `load()` added.
 *
 * @example
 * const plugin = createXoWebHooksPlugin({ xo })
 * plugin.configure({ hooks: [{ method: 'vm.*', type: 'pre/post', url: 'https://hooks.example/xo', format: 'json' }] })
 * plugin.load()
 */
export function createXoWebHooksPlugin(
  options: XoPluginOptions
): XoPlugin & { readonly webHooks: WebHooks | undefined } {
  return new XoWebHooksPlugin(options)
}
