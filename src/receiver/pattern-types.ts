/**
 * Method patterns as types (the receiver's handlers): which methods of a method map a pattern matches, checked at
 * compile time. The syntax is the sender's and `src/patterns/method-pattern.ts`'s (docs/configuration.md#method-patterns).
 */
import type { WebHookMethodMap } from '../payload/types.js'

type Methods<Api> = keyof Api & string

/** A pattern as a template literal type: each `*` becomes `${string}` (`vm.*.create` → `vm.${string}.create`). */
type PatternTemplate<Pattern extends string> = Pattern extends `${infer Head}*${infer Tail}`
  ? `${Head}${string}${PatternTemplate<Tail>}`
  : Pattern

/**
 * The methods of `Api` matched by a pattern: an exact name, or a pattern in which `*` matches any run (`vm.*`,
 * `vm.*.create`, `*`); the sender's syntax (docs/configuration.md#method-patterns). With the default (untyped) map,
 * any method.
 */
export type WebHookMatchedMethods<Api extends WebHookMethodMap<Api>, Pattern extends string> =
  string extends Methods<Api> ? string : Extract<Methods<Api>, PatternTemplate<Pattern>>

/** The part of a method map matched by a pattern (a method map itself). */
export type WebHookMatchedApi<Api extends WebHookMethodMap<Api>, Pattern extends string> = Pick<
  Api,
  WebHookMatchedMethods<Api, Pattern>
>

/**
 * `unknown` when `Pattern` matches at least one method of the map, else a message type that makes the pattern a
 * compile-time error (a typo such as `vm.strat` would otherwise give handlers a `never` payload).
 */
export type WebHookCheckPattern<Api extends WebHookMethodMap<Api>, Pattern extends string> = [
  WebHookMatchedMethods<Api, Pattern>,
] extends [never]
  ? `no method of the method map matches "${Pattern}"`
  : unknown

/** A method pattern: one of the map's method names (suggested by editors), or a pattern with `*` (`vm.*`, `*`). */
export type WebHookMethodPattern<Api extends WebHookMethodMap<Api>> =
  | Methods<Api>
  | `${string}*${string}`
  | (string & {})
