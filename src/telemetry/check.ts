/** Validation of the `telemetry` option, shared by the sender and the receiver. */
import { WebHookConfigError } from '../errors/config-error.js'
import type { WebHookTelemetry, WebHookTelemetryOptions } from './types.js'

const METHODS = { tracerProvider: 'getTracer', meterProvider: 'getMeter', propagator: 'inject' } as const

/** The options, `false` when off; throws `WebHookConfigError` when the option is not `false`, an object or left out. */
export function checkTelemetry(option: unknown): WebHookTelemetryOptions | false {
  if (option === undefined) return {}
  if (option === false) return false
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new WebHookConfigError(
      'ERR_WEB_HOOK_CONFIG_TYPE',
      'telemetry',
      `must be false or an object { tracerProvider?, meterProvider?, propagator? }, got ${JSON.stringify(option)}`
    )
  }
  for (const [key, method] of Object.entries(METHODS)) {
    const value = (option as Record<string, unknown>)[key]
    if (value === undefined) continue
    if (typeof (value as Record<string, unknown> | null)?.[method] !== 'function') {
      throw new WebHookConfigError(
        'ERR_WEB_HOOK_CONFIG_TYPE',
        `telemetry.${key}`,
        `must be an OpenTelemetry ${key} (an object with ${method}()); leave it out to use the global one`
      )
    }
  }
  return option as WebHookTelemetry as WebHookTelemetryOptions
}
