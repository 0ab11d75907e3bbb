/**
 * The page and its assets: the HTML (made per request, for its CSRF token) and the client bundle built into
 * `dist/dashboard-assets/` (Preact and uPlot inside: nothing from a CDN, it works offline), read once and kept.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { fail } from './http.js'

export interface Asset {
  type: string
  body: Uint8Array
}

const FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
}

/** Beside the built module (dist/), or from the sources (tests run them) the last build's. */
const PLACES = ['./dashboard-assets/', '../../dist/dashboard-assets/']

const cache = new Map<string, Asset>()

/** The asset of this name, or `undefined` when there is no such asset. */
export function assetOf(name: string): Asset | undefined {
  const type = FILES[name]
  if (type === undefined) return undefined
  const cached = cache.get(name)
  if (cached !== undefined) return cached
  for (const place of PLACES) {
    try {
      const body = readFileSync(fileURLToPath(new URL(place + name, import.meta.url)))
      const asset = { type, body: new Uint8Array(body) }
      cache.set(name, asset)
      return asset
    } catch {}
  }
  return fail(
    'ERR_WEB_HOOK_DASHBOARD_ASSETS',
    500,
    `The dashboard's ${name} is missing from the package (dashboard-assets/ beside dist/dashboard.js): reinstall rpc-web-hooks, or run \`npm run build\` in a checkout.`
  )
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, char => `&#${char.charCodeAt(0)};`)
}

/** The page: no inline script or style (the CSP allows none), the CSRF token in a meta tag for the script. */
export function page(token: string, readOnly: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="rwh-csrf" content="${escapeAttribute(token)}">
<meta name="rwh-read-only" content="${readOnly}">
<title>Web hooks</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="app.css">
<script src="app.js" defer></script>
</head>
<body>
<div id="app"><noscript>The web hooks dashboard needs JavaScript.</noscript></div>
</body>
</html>
`
}
