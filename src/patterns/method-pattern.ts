/**
 * Method patterns, one syntax for the sender (a hook's `method` and `exclude`) and the receiver (`on`, `onPre`,
 * `onPost`, `listen --deny`): an exact name (`vm.start`), or a pattern in which each `*` matches any run of
 * characters, dots included, the empty run too (`vm.*`, `*`, `vm.get*`, `vm.*.create`).
 *
 * A pure module: it imports nothing, so the receiver may load it without loading anything of the sender.
 */

/** A compiled method name or pattern. */
export interface MethodMatcher {
  test(method: string): boolean
  /**
   * How specific it is, for precedence: `Infinity` for an exact name, else the length of the literal prefix before
   * the first `*` (`vm.*` → 3, `*` → 0).
   */
  specificity: number
}

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&')

const matchAll = () => true

/**
 * Compiles a method name or pattern. The caller has checked that `pattern` is a non-empty string
 * ({@link isMethodPattern}).
 *
 * @example compileMethodPattern('vm.*').test('vm.start') // true
 */
export function compileMethodPattern(pattern: string): MethodMatcher {
  const star = pattern.indexOf('*')
  if (star === -1) return { test: method => method === pattern, specificity: Number.POSITIVE_INFINITY }
  if (/^\*+$/.test(pattern)) return { test: matchAll, specificity: 0 }
  if (star === pattern.length - 1) {
    const prefix = pattern.slice(0, star)
    return { test: method => method.startsWith(prefix), specificity: star }
  }
  const regExp = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's')
  return { test: method => regExp.test(method), specificity: star }
}

/** Whether `value` can be compiled: a non-empty string (any string is a name or a pattern). */
export function isMethodPattern(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

/** What a method pattern is, for error messages. */
export const METHOD_PATTERN_SYNTAX =
  'a method name (vm.start) or a pattern where * matches any run (vm.*, *, vm.*.create)'
