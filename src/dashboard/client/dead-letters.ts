/** Dead letters: listed with their error, replayed one by one or all, the result shown. */
import { useEffect, useState } from 'preact/hooks'
import { get, post, readOnly } from './api.js'
import { time } from './format.js'
import { html } from './html.js'

interface Letter {
  id: string
  url: string
  method: string
  type: string
  attempts: number
  failedAt: number
  code: string
  message: string
  status?: number
}

export function DeadLettersView() {
  const [letters, setLetters] = useState<Letter[] | undefined>()
  const [result, setResult] = useState('')
  const [version, setVersion] = useState(0)
  useEffect(() => {
    get<{ deadLetters: Letter[] }>('dead-letters').then(
      body => setLetters(body.deadLetters),
      (failure: Error) => setResult(failure.message)
    )
  }, [version])
  async function replay(body: { ids: string[] } | { all: true }) {
    try {
      const { replayed } = await post<{ replayed: number }>('dead-letters/replay', body)
      setResult(`Replayed ${replayed} dead letter(s).`)
    } catch (failure) {
      setResult(`Replay refused: ${(failure as Error).message}`)
    }
    setVersion(version + 1)
  }
  if (letters === undefined) return html`<p class="empty">Loading…</p>`
  return html`<div>
    <h2>Dead letters (${letters.length})</h2>
    ${result === '' ? null : html`<p class="result" role="status">${result}</p>`}
    ${readOnly || letters.length === 0 ? null : html`<button class="replay-all" onClick=${() => replay({ all: true })}>Replay all</button>`}
    ${letters.length === 0 ? html`<p class="empty">No dead letter.</p>` : null}
    <table class="dead-letters">
      <thead><tr><th>failed</th><th>id</th><th>endpoint</th><th>method</th><th>type</th><th>attempts</th><th>error</th><th></th></tr></thead>
      <tbody>
        ${letters.map(
          letter => html`<tr data-id=${letter.id}>
            <td>${time(letter.failedAt)}</td>
            <td><code>${letter.id}</code></td>
            <td>${letter.url}</td>
            <td>${letter.method}</td>
            <td>${letter.type}</td>
            <td>${letter.attempts}</td>
            <td title=${letter.message}><code>${letter.code}</code>${letter.status === undefined ? '' : ` ${letter.status}`}</td>
            <td>${readOnly ? null : html`<button class="replay" onClick=${() => replay({ ids: [letter.id] })}>Replay</button>`}</td>
          </tr>`
        )}
      </tbody>
    </table>
  </div>`
}
