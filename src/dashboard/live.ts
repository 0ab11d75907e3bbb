/**
 * The live stream (Server-Sent Events) of the overview: one timer for every open page, at most one push a second and
 * only when something changed, a heartbeat comment otherwise every 15 s so proxies keep the connection. Bounded: at most
 * {@link MAX_STREAMS} streams, and a client that does not read misses pushes instead of piling them up. Every stream
 * ends on `close()` and once the web hooks are closed.
 */
import type { WebHooksController } from '../web-hooks-controller.js'
import type { DashboardResponse, StreamSink } from './http.js'
import { fail, SECURITY_HEADERS } from './http.js'
import { overview } from './views.js'

export const MAX_STREAMS = 32
const TICK = 1000
const HEARTBEAT = 15_000

export class LiveStreams {
  readonly #sinks = new Set<StreamSink>()
  #timer: ReturnType<typeof setInterval> | undefined
  #last = ''
  #quietSince = 0

  constructor(
    readonly webHooks: WebHooksController,
    readonly readOnly: boolean,
    readonly tick = TICK
  ) {}

  open(): DashboardResponse {
    if (this.webHooks.closed) {
      fail('ERR_WEB_HOOK_DASHBOARD_BUSY', 503, 'The web hooks are closed: there is nothing live to show.')
    }
    if (this.#sinks.size >= MAX_STREAMS) {
      fail(
        'ERR_WEB_HOOK_DASHBOARD_BUSY',
        503,
        `Too many live streams open (${MAX_STREAMS}): close other dashboard tabs.`
      )
    }
    return {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
      stream: sink => {
        this.#sinks.add(sink)
        sink.write(`retry: 2000\n${this.#event(true)}`)
        this.#start()
        return () => this.#remove(sink)
      },
    }
  }

  /** Ends every stream. */
  close(): void {
    for (const sink of this.#sinks) sink.end()
    this.#sinks.clear()
    this.#stop()
  }

  #remove(sink: StreamSink): void {
    this.#sinks.delete(sink)
    if (this.#sinks.size === 0) this.#stop()
  }

  #start(): void {
    if (this.#timer !== undefined) return
    this.#quietSince = Date.now()
    this.#timer = setInterval(() => this.#push(), this.tick)
    this.#timer.unref?.()
  }

  #stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#last = ''
  }

  #push(): void {
    if (this.webHooks.closed) {
      this.close()
      return
    }
    const now = Date.now()
    let event = this.#event(false)
    if (event === '' && now - this.#quietSince >= HEARTBEAT) event = ': heartbeat\n\n'
    if (event === '') return
    this.#quietSince = now
    for (const sink of this.#sinks) sink.write(event)
  }

  /** The overview as an event; `''` when nothing changed since the last push (unless `always`). */
  #event(always: boolean): string {
    const { at, seriesStart, ...state } = overview(this.webHooks, this.readOnly)
    const key = JSON.stringify(state)
    if (!always && key === this.#last) return ''
    this.#last = key
    return `event: overview\ndata: ${JSON.stringify({ at, seriesStart, ...state })}\n\n`
  }
}
