/**
 * What the inspector keeps: the last `size` requests the listener received, and who is watching (the page's
 * Server-Sent Events streams). Bounded: the oldest request goes when a new one comes past `size`.
 */

/** The signature check's result, as the page shows it. */
export type InspectedSignature =
  | { state: 'valid' }
  | { state: 'invalid'; code: string; reason: string }
  /** No `--secret`: nothing is verified. */
  | { state: 'unchecked' }

/** One request the listener received, and the answer it gave. */
export interface InspectedRequest {
  id: number
  /** ISO time of arrival. */
  time: string
  method: string
  path: string
  /** The headers as received (names as sent, in order). */
  headers: Array<[name: string, value: string]>
  /** The body as UTF-8 text, cut at the inspector's limit (`truncated`). */
  body: string
  size: number
  truncated: boolean
  signature: InspectedSignature
  /** What the body says, when it is a web hook payload (for pairing pre and post by `callId`). */
  payload?: { type: string; method: string; callId: string }
  answer: { status: number; body: string }
  /** A shell-quoted curl command that sends this request again to the listener. */
  curl: string
}

export class InspectorStore {
  readonly size: number
  readonly #requests: InspectedRequest[] = []
  readonly #watchers = new Set<(request: InspectedRequest) => void>()
  #next = 1

  constructor(size: number) {
    this.size = size
  }

  /** Keeps a request (numbering it) and tells every watcher. */
  add(request: Omit<InspectedRequest, 'id'>): InspectedRequest {
    const kept = { id: this.#next++, ...request }
    this.#requests.push(kept)
    if (this.#requests.length > this.size) this.#requests.shift()
    for (const watcher of this.#watchers) watcher(kept)
    return kept
  }

  get(id: number): InspectedRequest | undefined {
    return this.#requests.find(request => request.id === id)
  }

  /** The requests kept, oldest first. */
  list(): readonly InspectedRequest[] {
    return this.#requests
  }

  /** Calls `watcher` with each new request; returns the function that stops it. */
  watch(watcher: (request: InspectedRequest) => void): () => void {
    this.#watchers.add(watcher)
    return () => this.#watchers.delete(watcher)
  }
}
