/**
 * The inspector page's script, type-checked here with the DOM types and served as the source of its functions
 * (`PARTS`: they must stay self-contained, calling only each other; no imports, no module-level values). It renders
 * with `textContent` only, never HTML from a request.
 */
import type { InspectedRequest } from './store.js'

/** The page's functions, top level in the script as in this module, so they call each other by name. */
const PARTS = [h, pretty, render, signatureBadge, actions, inspectorPage]

export function clientScript(): string {
  const sources = PARTS.map(part => part.toString())
  // The bundler may rename a function (two `h` in dist/cli.js): call the entry by the name its source declares.
  const entry = /^function\s+([\w$]+)/.exec(sources.at(-1)!)![1]
  // `__name`: what esbuild's keepNames (tsx) inserts into function bodies; a no-op in the page.
  return `const __name = f => f;\n${sources.join('\n')}\n${entry}()\n`
}

/** Runs in the browser: shows each request pushed by the inspector's event stream, grouped by call. */
function inspectorPage(): void {
  const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? ''
  const token = meta('csrf-token')
  const size = Number(meta('inspector-size')) || 200
  const calls = document.getElementById('calls')!
  const status = document.getElementById('status')!
  const count = document.getElementById('count')!
  const groups = new Map<string, HTMLElement>()
  let last = 0
  let received = 0

  const add = (request: InspectedRequest) => {
    // After a reconnection the stream starts again with every kept request: those already shown are skipped.
    if (request.id <= last) return
    last = request.id
    received++
    document.getElementById('empty')?.remove()
    const key = request.payload === undefined ? `request ${request.id}` : `call ${request.payload.callId}`
    let group = groups.get(key)
    if (group === undefined) {
      const title = request.payload
        ? `${request.payload.method} · callId ${request.payload.callId}`
        : `${request.method} ${request.path}`
      group = h('article', { class: 'call', ...(request.payload && { 'data-call-id': request.payload.callId }) })
      group.append(h('h2', {}, title), h('div', { class: 'halves' }))
      calls.prepend(group)
      groups.set(key, group)
    }
    group.querySelector('.halves')!.append(render(request, token))
    // Bounded as the server is: the oldest calls go.
    for (const [oldest, element] of groups) {
      if (groups.size <= size) break
      element.remove()
      groups.delete(oldest)
    }
    count.textContent = `${received} received`
  }

  const events = new EventSource('/api/events')
  events.addEventListener('open', () => (status.textContent = 'live'))
  events.addEventListener('error', () => (status.textContent = 'reconnecting…'))
  events.addEventListener('request', event => add(JSON.parse((event as MessageEvent<string>).data)))
}

type Child = Node | string | undefined

/** An element with attributes and children (text is text: never parsed as HTML). */
function h(tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  for (const child of children) if (child !== undefined) element.append(child)
  return element
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

/** One request: what it is, its answer, its signature check, headers, body, answer body and actions. */
function render(request: InspectedRequest, token: string): HTMLElement {
  const kind = request.payload?.type ?? request.method
  const { answer } = request
  const headers = h('table', {})
  for (const [name, value] of request.headers) headers.append(h('tr', {}, h('td', {}, name), h('td', {}, value)))
  return h(
    'section',
    { class: `request ${kind}`, 'data-id': String(request.id) },
    h(
      'div',
      { class: 'line' },
      h('span', { class: 'kind' }, kind.toUpperCase()),
      h('span', { class: 'muted' }, `#${request.id} ${new Date(request.time).toLocaleTimeString()} ${request.path}`),
      h('span', { class: `badge answer status-${String(answer.status)[0]}` }, `answered ${answer.status}`),
      signatureBadge(request)
    ),
    h('details', {}, h('summary', {}, `headers (${request.headers.length})`), headers),
    h('pre', { class: 'body' }, pretty(request.body) + (request.truncated ? `\n… (${request.size} bytes)` : '')),
    answer.body === '' ? undefined : h('pre', { class: 'answer-body' }, pretty(answer.body)),
    actions(request, token)
  )
}

function signatureBadge({ signature }: InspectedRequest): HTMLElement {
  if (signature.state === 'valid') return h('span', { class: 'badge signature valid' }, 'signature valid')
  if (signature.state === 'unchecked') return h('span', { class: 'badge signature muted' }, 'signature not checked')
  return h('span', { class: 'badge signature invalid' }, `signature invalid: ${signature.code}: ${signature.reason}`)
}

/** "Copy as curl" (shown, and copied to the clipboard) and "Send again" (a POST with the page's CSRF token). */
function actions(request: InspectedRequest, token: string): HTMLElement {
  const curl = h('pre', { class: 'curl', hidden: '' })
  const copy = h('button', { class: 'copy', type: 'button' }, 'Copy as curl')
  copy.addEventListener('click', () => {
    curl.textContent = request.curl
    curl.hidden = false
    navigator.clipboard?.writeText(request.curl).catch(() => {})
  })
  const target = h('input', { class: 'target', type: 'url', placeholder: 'the listener, or another URL' })
  const result = h('span', { class: 'resend-result muted' })
  const again = h('button', { class: 'resend', type: 'button' }, 'Send again')
  again.addEventListener('click', async () => {
    result.textContent = 'sending…'
    const response = await fetch(`/api/requests/${request.id}/resend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: JSON.stringify({ url: (target as HTMLInputElement).value }),
    })
    const answer = (await response.json()) as { status?: number; body?: string; message?: string }
    result.textContent = response.ok ? `answered ${answer.status} ${answer.body ?? ''}` : `${answer.message}`
  })
  return h('div', {}, h('div', { class: 'actions' }, copy, target, again, result), curl)
}
