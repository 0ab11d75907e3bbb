/** The overview: every endpoint with its state, counts, latency, chart and last error. */
import type { Overview, OverviewEndpoint } from './api.js'
import { Chart } from './chart.js'
import { duration, percent, time } from './format.js'
import { html } from './html.js'

function state(endpoint: OverviewEndpoint): string {
  if (endpoint.gone) return 'gone'
  if (endpoint.pausedUntil !== undefined) return 'rate-limited'
  return endpoint.breaker
}

function Counts({ label, counts }: { label: string; counts: OverviewEndpoint['last5m'] }) {
  return html`<tr>
    <th>${label}</th>
    <td class="delivered">${counts?.delivered ?? 0}</td>
    <td class="failed">${counts?.failed ?? 0}</td>
    <td>${counts?.dropped ?? 0}</td>
    <td>${counts?.vetoed ?? 0}</td>
    <td>${percent(counts?.successRate)}</td>
  </tr>`
}

function Card({ endpoint, start }: { endpoint: OverviewEndpoint; start: number }) {
  const href = `#/endpoint/${encodeURIComponent(endpoint.url)}`
  return html`<section class="card" data-url=${endpoint.url}>
    <header>
      <a class="url" href=${href}>${endpoint.url}</a>
      <span class=${`state state-${state(endpoint)}`}>${state(endpoint)}</span>
    </header>
    <dl class="gauges">
      <div><dt>queued</dt><dd class="queued">${endpoint.queued}</dd></div>
      <div><dt>spilled</dt><dd>${endpoint.spilled}</dd></div>
      <div><dt>in flight</dt><dd>${endpoint.inFlight}</dd></div>
      <div><dt>delivered</dt><dd class="total-delivered">${endpoint.delivered}</dd></div>
      <div><dt>failed</dt><dd class="total-failed">${endpoint.failed}</dd></div>
      <div><dt>p50</dt><dd>${duration(endpoint.p50)}</dd></div>
      <div><dt>p99</dt><dd>${duration(endpoint.p99)}</dd></div>
    </dl>
    <table class="counts">
      <thead><tr><th></th><th>delivered</th><th>failed</th><th>dropped</th><th>vetoed</th><th>success</th></tr></thead>
      <tbody>
        <${Counts} label="5 min" counts=${endpoint.last5m} />
        <${Counts} label="1 h" counts=${endpoint.last1h} />
      </tbody>
    </table>
    <${Chart} endpoint=${endpoint} start=${start} />
    ${
      endpoint.lastError === undefined
        ? null
        : html`<p class="last-error" title=${endpoint.lastError.message}>
            <b>last error</b> ${time(endpoint.lastError.at)} <code>${endpoint.lastError.code}</code> ${endpoint.lastError.message}
          </p>`
    }
  </section>`
}

export function OverviewView({ overview }: { overview: Overview | undefined }) {
  if (overview === undefined) return html`<p class="empty">Loading…</p>`
  return html`<div>
    <p class="summary">
      ${overview.endpoints.length} endpoint(s) · ${overview.queued} queued · ${overview.dropped} dropped since start
      ${overview.history ? '' : ' · history off (history: false): no recent figures'}
    </p>
    ${overview.endpoints.length === 0 ? html`<p class="empty">No endpoint has been sent to yet.</p>` : null}
    <div class="cards">${overview.endpoints.map(endpoint => html`<${Card} key=${endpoint.url} endpoint=${endpoint} start=${overview.seriesStart} />`)}</div>
  </div>`
}
