/**
 * Method patterns: an exact name (`vm.start`), or a pattern where `*` matches any run of characters, dots included
 * (`vm.*`, `*`, `vm.get*`).
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

export function compileMethodPattern(pattern: string): MethodMatcher {
  const star = pattern.indexOf('*')
  if (star === -1) return { test: method => method === pattern, specificity: Number.POSITIVE_INFINITY }
  if (star === pattern.length - 1 && pattern.lastIndexOf('*') === star) {
    const prefix = pattern.slice(0, star)
    return { test: method => method.startsWith(prefix), specificity: star }
  }
  const regExp = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's')
  return { test: method => regExp.test(method), specificity: star }
}
