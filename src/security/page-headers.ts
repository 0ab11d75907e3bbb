/**
 * The security headers of the library's own pages, the dashboard (`rpc-web-hooks/dashboard`) and the `listen --ui`
 * inspector: a strict Content-Security-Policy (scripts, styles and connections from the page's own origin only,
 * nothing inline, no frames, no forms posted elsewhere), no MIME sniffing, no framing, no referrer, same-origin
 * isolation. One list, so that both pages keep the same rules.
 */

/**
 * The headers, with `img-src` widened by `images` (the dashboard's charts draw `data:` images; the inspector has
 * none).
 */
export function pageSecurityHeaders(images: 'self' | 'self data' = 'self'): Record<string, string> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    images === 'self' ? "img-src 'self'" : "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  }
}
