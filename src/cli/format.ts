/**
 * How `rpc-web-hooks listen` prints what it receives: one readable line per hook (time, pre/post, method, user,
 * duration, result or error), or one JSON object per line with `--json`.
 */
import type { WebHookOffice365Card, WebHookPayload } from '../payload/types.js'
import type { WebHookTestPayload } from '../receiver/parse.js'
import type { Style } from './style.js'

/** One received hook, or one refused request, as printed. */
export type ListenEvent =
  | {
      kind: 'hook'
      time: Date
      webHookId: string | undefined
      payload: WebHookPayload | WebHookTestPayload
      test: boolean
      /** The reason, when `--deny` refused this pre hook. */
      denied?: string | undefined
    }
  | { kind: 'refused'; time: Date; status: number; code: string; message: string }
  | { kind: 'card'; time: Date; webHookId: string | undefined; card: WebHookOffice365Card }

const MAX_VALUE = 200

export function formatJson(event: ListenEvent): string {
  const time = event.time.toISOString()
  if (event.kind === 'refused') {
    return JSON.stringify({ time, status: event.status, error: { code: event.code, message: event.message } })
  }
  if (event.kind === 'card') return JSON.stringify({ time, status: 204, webHookId: event.webHookId, card: event.card })
  const status = event.denied === undefined ? 204 : 403
  return JSON.stringify({
    time,
    status,
    webHookId: event.webHookId,
    ...(event.test && { test: true }),
    ...(event.denied !== undefined && { reason: event.denied }),
    payload: event.payload,
  })
}

export function formatLine(event: ListenEvent, style: Style): string {
  const time = style.dim(clock(event.time))
  if (event.kind === 'refused') {
    return `${time}  ${style.red(`✗ ${event.status}`)} ${style.red(event.code)}  ${event.message}`
  }
  if (event.kind === 'card') {
    const section = event.card.sections?.[0]
    const facts = (section?.facts ?? []).map(fact => `${fact.name}=${cut(fact.value ?? '')}`)
    return [time, style.magenta('CARD'), style.bold(section?.title ?? event.card.summary), ...facts].join('  ')
  }
  const { payload } = event
  const parts = [
    time,
    event.test ? style.magenta('TEST') : '',
    payload.type === 'pre' ? style.cyan('PRE ') : style.yellow('POST'),
    style.bold(payload.method),
    user(payload),
  ]
  if (payload.type === 'pre') {
    parts.push(`params ${short(payload.params)}`)
    if (event.denied !== undefined) parts.push(style.red(`DENIED: ${event.denied}`))
  } else if (!event.test) {
    const post = payload as Extract<WebHookPayload, { type: 'post' }>
    parts.push(style.dim(`${post.duration} ms`))
    parts.push(
      post.error === undefined
        ? style.green(`✓ ${short(post.result)}`)
        : style.red(`✗ ${[post.error.name, post.error.code, post.error.message].filter(Boolean).join(' ')}`)
    )
  }
  return parts.filter(part => part !== '').join('  ')
}

function user(payload: { userName?: string; userId?: string; userIp?: string }): string {
  const name = payload.userName ?? payload.userId ?? '(no user)'
  const details = [payload.userName !== undefined ? payload.userId : undefined, payload.userIp].filter(Boolean)
  return details.length > 0 ? `${name} (${details.join(', ')})` : name
}

function short(value: unknown): string {
  return cut(value === undefined ? 'undefined' : JSON.stringify(value))
}

function cut(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text
}

/** Local wall-clock time with milliseconds, e.g. `14:02:33.120`. */
function clock(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}
