/** An endpoint's recent attempts, newest first, filtered by method and outcome; a delivery's body and attempts. */
import { useEffect, useState } from 'preact/hooks'
import { get, type WebHookAttemptRecord } from './api.js'
import { duration, pretty, time } from './format.js'
import { html } from './html.js'

const OUTCOMES = ['', 'delivered', 'retry', 'failed', 'gone', 'vetoed']

function Attempts({ attempts }: { attempts: WebHookAttemptRecord[] }) {
  if (attempts.length === 0) return html`<p class="empty">No attempt in the history.</p>`
  return html`<table class="attempts">
    <thead><tr><th>time</th><th>delivery</th><th>method</th><th>type</th><th>#</th><th>outcome</th><th>status</th><th>duration</th><th>error</th></tr></thead>
    <tbody>
      ${attempts.map(
        a => html`<tr class=${`outcome-${a.outcome}`}>
          <td>${time(a.at)}</td>
          <td><a href=${`#/delivery/${encodeURIComponent(a.deliveryId)}`}>${a.deliveryId}</a></td>
          <td>${a.method}</td>
          <td>${a.type}</td>
          <td>${a.attempt}</td>
          <td class="outcome">${a.outcome}</td>
          <td>${a.status ?? '–'}</td>
          <td>${duration(a.duration)}</td>
          <td title=${a.error ?? ''}>${a.errorCode ?? ''}${a.redirectedTo === undefined ? '' : ` → ${a.redirectedTo}`}</td>
        </tr>`
      )}
    </tbody>
  </table>`
}

export function EndpointView({ url, tick }: { url: string; tick: number }) {
  const [method, setMethod] = useState('')
  const [outcome, setOutcome] = useState('')
  const [attempts, setAttempts] = useState<WebHookAttemptRecord[] | undefined>(undefined)
  const [error, setError] = useState('')
  useEffect(() => {
    get<{ attempts: WebHookAttemptRecord[] }>('attempts', { url, method, outcome }).then(
      body => setAttempts(body.attempts),
      (failure: Error) => setError(failure.message)
    )
  }, [url, method, outcome, tick])
  return html`<div>
    <h2>${url}</h2>
    <form class="filters" onSubmit=${(event: Event) => event.preventDefault()}>
      <label>method <input name="method" value=${method} onChange=${(e: Event) => setMethod((e.target as HTMLInputElement).value)} placeholder="vm.start" /></label>
      <label>outcome
        <select name="outcome" value=${outcome} onChange=${(e: Event) => setOutcome((e.target as HTMLSelectElement).value)}>
          ${OUTCOMES.map(o => html`<option value=${o}>${o === '' ? 'any' : o}</option>`)}
        </select>
      </label>
    </form>
    ${error === '' ? null : html`<p class="error">${error}</p>`}
    ${attempts === undefined ? html`<p class="empty">Loading…</p>` : html`<${Attempts} attempts=${attempts} />`}
  </div>`
}

export function DeliveryView({ id }: { id: string }) {
  const [delivery, setDelivery] = useState<{ attempts: WebHookAttemptRecord[]; body?: string } | undefined>()
  const [error, setError] = useState('')
  useEffect(() => {
    get<{ attempts: WebHookAttemptRecord[]; body?: string }>(`deliveries/${encodeURIComponent(id)}`).then(
      setDelivery,
      (failure: Error) => setError(failure.message)
    )
  }, [id])
  if (error !== '') return html`<p class="error">${error}</p>`
  if (delivery === undefined) return html`<p class="empty">Loading…</p>`
  return html`<div>
    <h2>Delivery <code>${id}</code></h2>
    <${Attempts} attempts=${delivery.attempts} />
    <h3>Body sent (redacted)</h3>
    ${delivery.body === undefined ? html`<p class="empty">No longer kept.</p>` : html`<pre class="body">${pretty(delivery.body)}</pre>`}
  </div>`
}
