/**
 * The hook table: which hooks fire for a method, compiled once per configuration.
 *
 * Lookup cost: exact names sit in a Map; patterns are tested once per distinct method name and the answer memoised,
 * so a method that matches nothing costs one Map lookup and allocates nothing.
 *
 * Precedence (docs/configuration.md#method-patterns): every matching hook fires, except that when several hooks with
 * the same `url` match a method for the same event (pre or post), only the most specific fires: an exact name beats a
 * pattern, a pattern with a longer literal prefix beats a shorter one (`vm.*` beats `v*`), and `*` comes last. Hooks of
 * equal specificity all fire (two exact entries, as in Xen Orchestra). `exclude` removes methods from a hook.
 */
import { compileMethodPattern, type MethodMatcher } from '../patterns/method-pattern.js'
import type { ResolvedHook } from './normalized.js'

/** The hooks of one method, split by event. */
export interface MatchedHooks {
  pre: readonly ResolvedHook[]
  post: readonly ResolvedHook[]
}

interface CompiledHook {
  hook: ResolvedHook
  matcher: MethodMatcher
  exclude: readonly MethodMatcher[]
}

/** Bounds the memo when clients call many distinct (unknown) method names; it is simply cleared when full. */
const MEMO_LIMIT = 10_000

function select(candidates: readonly CompiledHook[], event: 'pre' | 'post'): ResolvedHook[] {
  const best = new Map<string, number>()
  for (const { hook, matcher } of candidates) {
    if (!hook[event]) continue
    best.set(hook.url, Math.max(best.get(hook.url) ?? Number.NEGATIVE_INFINITY, matcher.specificity))
  }
  return candidates
    .filter(({ hook, matcher }) => hook[event] && matcher.specificity === best.get(hook.url))
    .map(({ hook }) => hook)
}

export class HookTable {
  readonly hooks: readonly ResolvedHook[]
  readonly #exact = new Map<string, CompiledHook[]>()
  readonly #patterns: CompiledHook[] = []
  readonly #memo = new Map<string, MatchedHooks | null>()

  constructor(hooks: readonly ResolvedHook[]) {
    this.hooks = hooks
    for (const hook of hooks) {
      const compiled = {
        hook,
        matcher: compileMethodPattern(hook.method),
        exclude: hook.exclude.map(compileMethodPattern),
      }
      if (hook.pattern) this.#patterns.push(compiled)
      else {
        const list = this.#exact.get(hook.method)
        if (list === undefined) this.#exact.set(hook.method, [compiled])
        else list.push(compiled)
      }
    }
    // Without patterns, exact names never need a memo: answer them all now.
    if (this.#patterns.length === 0) {
      for (const method of this.#exact.keys()) this.#memo.set(method, this.#compute(method))
    }
  }

  /** The hooks for `method`, or `undefined` when none fire. */
  lookup(method: string): MatchedHooks | undefined {
    const memo = this.#memo.get(method)
    if (memo !== undefined) return memo ?? undefined
    if (this.#patterns.length === 0 || typeof method !== 'string') return undefined
    const matched = this.#compute(method)
    if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear()
    this.#memo.set(method, matched)
    return matched ?? undefined
  }

  #compute(method: string): MatchedHooks | null {
    const candidates = [
      ...(this.#exact.get(method) ?? []),
      ...this.#patterns.filter(c => c.matcher.test(method)),
    ].filter(c => !c.exclude.some(matcher => matcher.test(method)))
    // Keep configuration order, so hooks fire in the order they were written.
    candidates.sort((a, b) => a.hook.index - b.hook.index)
    const pre = select(candidates, 'pre')
    const post = select(candidates, 'post')
    return pre.length === 0 && post.length === 0 ? null : { pre, post }
  }
}
