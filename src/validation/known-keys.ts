/**
 * The unknown-key check shared by the sender's configuration, `createReceiver`'s options and the stores' options: a
 * misspelt or misplaced key (`retries` at the top level, `retry.retires`) is an error naming its path and, for a near
 * miss, the key meant. Each object's known keys are one list, so a new option is one more entry.
 */
import { WebHookConfigError } from '../errors/config-error.js'

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), for near misses. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}

/** The known key closest to `key`, when it is a near miss (at most 2 edits, and less than half the key). */
function nearMiss(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.min(2, Math.ceil(key.length / 2) - 1)
  for (const candidate of known) {
    const d = distance(key, candidate)
    if (d <= bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/** Where a known key lives, for one set at the wrong level: `{ retries: 'retry.retries' }`. */
export type KeyElsewhere = Readonly<Record<string, string>>

/**
 * The first key of `value` not in `known`, with a message naming its path and the key meant, or undefined when every
 * key is known. A key counts whatever its value (`undefined` included): the key itself is the mistake.
 */
export function findUnknownKey(
  value: object,
  known: readonly string[],
  prefix: string,
  elsewhere: KeyElsewhere = {}
): { path: string; message: string } | undefined {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue
    const meant = Object.hasOwn(elsewhere, key) ? elsewhere[key] : nearMiss(key, known)
    const hint =
      meant === undefined ? '' : ` (did you mean \`${Object.hasOwn(elsewhere, key) ? meant : prefix + meant}\`?)`
    return {
      path: prefix + key,
      message: `is not an option${hint}; known ${prefix === '' ? 'options' : `options of ${prefix.slice(0, -1)}`}: ${known.join(', ')}`,
    }
  }
  return undefined
}

/** Throws `ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY` for the first unknown key of `value` (see {@link findUnknownKey}). */
export function checkKnownKeys(value: object, known: readonly string[], prefix = '', elsewhere?: KeyElsewhere): void {
  const unknown = findUnknownKey(value, known, prefix, elsewhere)
  if (unknown !== undefined)
    throw new WebHookConfigError('ERR_WEB_HOOK_CONFIG_UNKNOWN_KEY', unknown.path, unknown.message)
}
