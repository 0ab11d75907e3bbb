/** `server.address` and `server.port` of an endpoint URL (OpenTelemetry HTTP semantic conventions), cached. */
const cache = new Map<string, { address: string; port: number }>()

export function serverOf(url: string): { address: string; port: number } {
  let server = cache.get(url)
  if (server === undefined) {
    try {
      const parsed = new URL(url)
      const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port)
      server = { address: parsed.hostname.replace(/^\[|\]$/g, ''), port }
    } catch {
      server = { address: '', port: 0 }
    }
    // Endpoints are configuration: a small set; the bound only guards against a pathological caller.
    if (cache.size > 1000) cache.clear()
    cache.set(url, server)
  }
  return server
}
