/**
 * "Copy as curl": a POSIX-shell command that sends a recorded request again, byte for byte (headers as received, the
 * body with `--data-raw`, which reads no file even when the body starts with `@`), each argument single-quoted.
 */

/** Headers curl sets itself from the request it makes (copying them would send wrong values). */
const SKIPPED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'expect'])

/** Quotes one argument for a POSIX shell: inside single quotes nothing is special but the quote itself. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

/** The headers worth sending again (hop-by-hop ones and those curl computes are left out). */
export function replayHeaders(headers: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  return headers.filter(([name]) => !SKIPPED.has(name.toLowerCase())).map(([name, value]) => [name, value])
}

export function toCurl(
  url: string,
  method: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: string
): string {
  const parts = ['curl', '-sS', '-X', shellQuote(method), shellQuote(url)]
  for (const [name, value] of replayHeaders(headers)) parts.push('-H', shellQuote(`${name}: ${value}`))
  if (body !== '' || method === 'POST') parts.push('--data-raw', shellQuote(body))
  return parts.join(' ')
}
