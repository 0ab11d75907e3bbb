/**
 * The dashboard page (issue 15): Preact views with htm, uPlot charts, all bundled into one script (no CDN). Routes in
 * the URL's hash; the overview comes live over Server-Sent Events (`api/events`).
 */
import 'uplot/dist/uPlot.min.css'
import './style.css'
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { get, type Overview, readOnly, subscribe } from './api.js'
import { DeadLettersView } from './dead-letters.js'
import { DeliveryView, EndpointView } from './endpoint.js'
import { html } from './html.js'
import { OverviewView } from './overview.js'

function useHash(): string {
  const [hash, setHash] = useState(location.hash)
  useEffect(() => {
    const update = () => setHash(location.hash)
    addEventListener('hashchange', update)
    return () => removeEventListener('hashchange', update)
  }, [])
  return hash
}

function App() {
  const hash = useHash()
  const [overview, setOverview] = useState<Overview | undefined>()
  const [live, setLive] = useState(false)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    get<Overview>('overview').then(setOverview, () => {})
    return subscribe(next => {
      setOverview(next)
      setTick(t => t + 1)
    }, setLive)
  }, [])
  const [, route = '', arg = ''] = /^#\/([^/]*)\/?(.*)$/.exec(hash) ?? []
  const view =
    route === 'endpoint'
      ? html`<${EndpointView} url=${decodeURIComponent(arg)} tick=${tick} />`
      : route === 'delivery'
        ? html`<${DeliveryView} id=${decodeURIComponent(arg)} />`
        : route === 'dead-letters'
          ? html`<${DeadLettersView} />`
          : html`<${OverviewView} overview=${overview} />`
  return html`<div>
    <nav>
      <h1>Web hooks</h1>
      <a href="#/">Overview</a>
      <a href="#/dead-letters">Dead letters</a>
      <span class=${live ? 'live on' : 'live'}>${live ? 'live' : 'offline'}</span>
      ${readOnly ? html`<span class="read-only">read-only</span>` : null}
    </nav>
    <main>${view}</main>
  </div>`
}

const root = document.getElementById('app')
if (root !== null) {
  root.textContent = ''
  render(html`<${App} />`, root)
}
