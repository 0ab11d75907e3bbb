/**
 * URLs as we show them: in logs, events, stats and errors a hook's URL never carries its credentials.
 */

/** The URL with `user:password@` removed, e.g. for `https://u:p@hooks.example/x` → `https://hooks.example/x`. */
export function stripCredentials(url: URL): string {
  if (url.username === '' && url.password === '') return url.href
  const copy = new URL(url.href)
  copy.username = ''
  copy.password = ''
  return copy.href
}

/** The queue key of a URL: without credentials or fragment (two hooks to one endpoint share its queue). */
export function endpointOf(url: URL): string {
  const copy = new URL(stripCredentials(url))
  copy.hash = ''
  return copy.href
}
