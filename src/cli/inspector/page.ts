/**
 * The inspector's page and style, shipped inside the CLI (no CDN, works offline). The script is `client.ts`.
 */

/** The page: the CSRF token and the bound in `<meta>` (read by the script; no inline script, as the CSP says). */
export function pageHtml(token: string, size: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${token.replace(/[^\w-]/g, '')}">
<meta name="inspector-size" content="${size}">
<title>rpc-web-hooks inspector</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<header><h1>rpc-web-hooks inspector</h1><span id="status">connecting…</span><span id="count"></span></header>
<main id="calls"><p id="empty">Waiting for requests: send a hook to the listener.</p></main>
</body>
</html>
`
}

export const STYLE = `
:root { color-scheme: light dark; --line: #8884; --ok: #1a7f37; --bad: #cf222e; --muted: #888; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; }
header { display: flex; gap: 1em; align-items: baseline; padding: .6em 1em; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.1em; margin: 0; }
#status, #count, .muted { color: var(--muted); }
main { padding: 1em; display: grid; gap: 1em; }
.call { border: 1px solid var(--line); border-radius: 6px; }
.call > h2 { font-size: 1em; margin: 0; padding: .5em .8em; border-bottom: 1px solid var(--line); }
.halves { display: grid; grid-template-columns: repeat(auto-fit, minmax(24em, 1fr)); }
.request { padding: .6em .8em; border-left: 1px solid var(--line); min-width: 0; }
.request:first-child { border-left: 0; }
.line { display: flex; flex-wrap: wrap; gap: .6em; align-items: baseline; }
.kind { font-weight: 600; }
.badge { border-radius: 4px; padding: 0 .4em; border: 1px solid currentColor; }
.valid, .status-2 { color: var(--ok); }
.invalid, .status-4, .status-5 { color: var(--bad); }
pre { white-space: pre-wrap; word-break: break-all; background: #8881; padding: .5em; margin: .4em 0; max-height: 24em; overflow: auto; }
table { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 12px; }
td { padding: 0 .6em 0 0; vertical-align: top; word-break: break-all; }
.actions { display: flex; flex-wrap: wrap; gap: .4em; margin-top: .4em; }
input { min-width: 16em; flex: 1; }
`
