/**
 * The validation toolkit, pure (it imports only the error classes): shared by the configuration, the receiver and
 * the stores. Each validator throws a `WebHookConfigError` naming the path of the bad field and never prints a value
 * that could be secret.
 */
import { WebHookConfigError, type WebHookConfigErrorCode } from '../errors/config-error.js'

export function fail(code: WebHookConfigErrorCode, path: string, message: string): never {
  throw new WebHookConfigError(code, path, message)
}

/** A readable name of a value's type, for messages (never the value itself). */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `undefined` and `null` both mean "not set" (UIs that store XO configurations write either). */
export function isUnset(value: unknown): value is undefined | null {
  return value === undefined || value === null
}

export function optBoolean(value: unknown, path: string, fallback: boolean): boolean {
  if (isUnset(value)) return fallback
  if (typeof value !== 'boolean')
    fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be true or false, got ${typeName(value)}`)
  return value
}

export function optPositiveInteger(value: unknown, path: string, fallback: number): number {
  if (isUnset(value)) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail(
      typeof value === 'number' ? 'ERR_WEB_HOOK_CONFIG_VALUE' : 'ERR_WEB_HOOK_CONFIG_TYPE',
      path,
      `must be a positive integer, got ${typeof value === 'number' ? String(value) : typeName(value)}`
    )
  }
  return value
}

export function optNonNegative(value: unknown, path: string, fallback: number, integer = false): number {
  if (isUnset(value)) return fallback
  if (typeof value !== 'number') fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be a number, got ${typeName(value)}`)
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    fail(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      path,
      `must be a non-negative finite ${integer ? 'integer' : 'number'}, got ${value}`
    )
  }
  return value
}

export function optFunction<F>(value: unknown, path: string): F | undefined {
  if (isUnset(value)) return undefined
  if (typeof value !== 'function') fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be a function, got ${typeName(value)}`)
  return value as F
}

export function optStringArray(value: unknown, path: string): string[] {
  if (isUnset(value)) return []
  if (!Array.isArray(value))
    fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be an array of strings, got ${typeName(value)}`)
  return value.map((item, i) => {
    if (typeof item !== 'string')
      fail('ERR_WEB_HOOK_CONFIG_TYPE', `${path}[${i}]`, `must be a string, got ${typeName(item)}`)
    return item
  })
}

/**
 * The longest delay Node's timers hold: 2^31 − 1 ms (about 24.8 days). A longer `setTimeout` fires after 1 ms with a
 * `TimeoutOverflowWarning`, so every duration option is capped here.
 */
export const MAX_DURATION = 2 ** 31 - 1

/** A duration in ms, at most {@link MAX_DURATION}; `min` is 0 (a delay) or 1 (a timeout). */
export function optDuration(value: unknown, path: string, fallback: number, min: 0 | 1 = 0): number {
  if (isUnset(value)) return fallback
  if (typeof value !== 'number')
    fail('ERR_WEB_HOOK_CONFIG_TYPE', path, `must be a number of ms, got ${typeName(value)}`)
  if (!Number.isFinite(value) || value < min || value > MAX_DURATION || (min === 1 && !Number.isInteger(value))) {
    fail(
      'ERR_WEB_HOOK_CONFIG_VALUE',
      path,
      `must be ${min === 1 ? 'an integer' : 'a number'} of ms from ${min} to ${MAX_DURATION} (2^31 − 1, about 24.8 ` +
        `days, the longest delay Node's timers hold), got ${value}`
    )
  }
  return value
}
