/**
 * Secrets echoed back (issue 13): a receiver or proxy that repeats the request headers in an error page (a common 502
 * page) would put the hook's credentials into `error.body`, events, logs and `onError`. Every value a hook sends that
 * may be secret is cut out of the response bodies kept: URL credentials (and their Basic `authorization`), the value
 * of every custom header, the signing secrets.
 */

/** What replaces an echoed secret. */
export const REDACTED = '[redacted]'

/** Shorter values are left alone: cutting every `a` or `42` out of a body would ruin it and protect nothing. */
const MIN_LENGTH = 3

/** What a hook sends that may be secret (a resolved hook has these fields). */
interface SendingHook {
  url: string
  headers: Readonly<Record<string, string>>
  secrets: readonly Uint8Array[]
}

const cache = new WeakMap<SendingHook, readonly string[]>()

/** The forms an echo may take: as sent, JSON-escaped, HTML-escaped, percent-encoded. */
function formsOf(value: string): string[] {
  const html = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  return [value, JSON.stringify(value).slice(1, -1), html, encodeURIComponent(value)]
}

/**
 * The secret values of a set of credentials, headers and keys, longest first (a value containing another is cut
 * whole), each in the forms an echo may take.
 */
export function secretValues(source: {
  username?: string
  password?: string
  headers?: Readonly<Record<string, string>>
  secrets?: readonly Uint8Array[]
}): readonly string[] {
  const values = new Set<string>()
  const add = (value: string) => {
    for (const form of formsOf(value)) if (form.length >= MIN_LENGTH) values.add(form)
  }
  const username = source.username ?? ''
  const password = source.password ?? ''
  if (username !== '' || password !== '') {
    add(username)
    add(password)
    add(`${username}:${password}`)
    add(Buffer.from(`${username}:${password}`).toString('base64'))
  }
  for (const value of Object.values(source.headers ?? {})) {
    add(value)
    // `Bearer <token>`, `Basic <credentials>`: the token alone too.
    const token = /^\S+\s+(\S.*)$/.exec(value)?.[1]
    if (token !== undefined) add(token)
  }
  for (const key of source.secrets ?? []) {
    const base64 = Buffer.from(key).toString('base64')
    add(base64)
    add(`whsec_${base64}`)
  }
  return [...values].sort((a, b) => b.length - a.length)
}

/** The secret values a hook sends (computed once per resolved hook). */
export function secretValuesOfHook(hook: SendingHook): readonly string[] {
  let values = cache.get(hook)
  if (values === undefined) {
    const url = new URL(hook.url)
    values = secretValues({
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      headers: hook.headers,
      secrets: hook.secrets,
    })
    cache.set(hook, values)
  }
  return values
}

/** `text` with every occurrence of `values` replaced by `[redacted]`. */
export function redactEchoes(text: string, values: readonly string[]): string {
  if (text === '') return text
  let result = text
  for (const value of values) if (result.includes(value)) result = result.split(value).join(REDACTED)
  return result
}
