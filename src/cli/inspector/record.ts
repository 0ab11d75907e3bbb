/**
 * The listener's side of the inspector: a request listener put in front of `listen`'s own, which reads the body
 * (within the receiver's limit), checks the signature as the receiver does, lets the listener answer, and keeps the
 * request and its answer in the store.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { isWebHookError } from '../../errors/web-hook-error.js'
import { bodyTimedOut, errorResponse } from '../../receiver/http.js'
import { verifyWebHook } from '../../receiver/verify.js'
import { toCurl } from './curl.js'
import type { InspectedRequest, InspectedSignature, InspectorStore } from './store.js'

/** The receiver's `maxBodyBytes`: one byte more is kept, so the listener still answers 413. */
const MAX_BODY_BYTES = 1024 * 1024
/** The receiver's default `bodyTimeout`, ms. */
const BODY_TIMEOUT = 5000
/** What the page is shown of a body (the store holds at most `size` of these). */
const SHOWN_BYTES = 256 * 1024

export interface RecordOptions {
  store: InspectorStore
  /** The listener's own URL (what "copy as curl" sends to). */
  url: () => string
  secrets: readonly string[] | undefined
  /** Told when a client goes away before its body is complete (the listener's own one-line report). */
  onAborted: (error: Error) => void
}

export function recording(listener: RequestListener, options: RecordOptions): RequestListener {
  return async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const time = new Date().toISOString()
    let read: { body: Buffer; size: number } | 'timeout'
    try {
      read = await readCapped(req)
    } catch (error) {
      options.onAborted(error as Error)
      res.destroy()
      return
    }
    const answer = captureAnswer(res)
    const body = read === 'timeout' ? Buffer.alloc(0) : read.body
    const size = read === 'timeout' ? 0 : read.size
    res.once('finish', () => options.store.add(inspect(req, body, size, time, answer(), options)))
    if (read === 'timeout') return timedOut(req, res)
    req.body = body
    await listener(req, res)
  }
}

function inspect(
  req: IncomingMessage,
  body: Buffer,
  size: number,
  time: string,
  answer: InspectedRequest['answer'],
  options: RecordOptions
): Omit<InspectedRequest, 'id'> {
  const headers: Array<[string, string]> = []
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    headers.push([req.rawHeaders[index]!, req.rawHeaders[index + 1]!])
  }
  const text = body.subarray(0, SHOWN_BYTES).toString('utf8')
  const method = req.method ?? 'GET'
  const path = req.url ?? '/'
  const payload = payloadOf(text)
  return {
    time,
    method,
    path,
    headers,
    body: text,
    size,
    truncated: size > SHOWN_BYTES,
    signature: signatureOf(body, req, options.secrets),
    ...(payload !== undefined && { payload }),
    answer,
    curl: toCurl(new URL(path, options.url()).href, method, headers, text),
  }
}

/** The signature check, as the receiver makes it (its reason when it fails). */
function signatureOf(body: Buffer, req: IncomingMessage, secrets: readonly string[] | undefined): InspectedSignature {
  if (secrets === undefined) return { state: 'unchecked' }
  try {
    verifyWebHook(body, req.headers, secrets)
    return { state: 'valid' }
  } catch (error) {
    return {
      state: 'invalid',
      code: isWebHookError(error) ? error.code : 'ERR_WEB_HOOK_VERIFY',
      reason: (error as Error).message,
    }
  }
}

function payloadOf(text: string): InspectedRequest['payload'] {
  try {
    const value = JSON.parse(text) as Record<string, unknown> | null
    const { type, method, callId } = value ?? {}
    if (typeof type === 'string' && typeof method === 'string' && typeof callId === 'string') {
      return { type, method, callId }
    }
  } catch {
    // Not JSON: shown as text, not paired.
  }
  return undefined
}

/**
 * The body, at most one byte past the receiver's limit (the rest is drained), and its whole size; `'timeout'` when it
 * is not complete within the receiver's `bodyTimeout`, which the receiver would have answered 408 (issue 13).
 */
async function readCapped(req: IncomingMessage): Promise<{ body: Buffer; size: number } | 'timeout'> {
  const chunks: Buffer[] = []
  let kept = 0
  let size = 0
  const timer = setTimeout(() => req.emit('inspector-timeout'), BODY_TIMEOUT)
  const timeout = new Promise<'timeout'>(resolve => req.once('inspector-timeout', () => resolve('timeout')))
  const read = (async () => {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length
      if (kept > MAX_BODY_BYTES) continue
      const part = chunk.subarray(0, MAX_BODY_BYTES + 1 - kept)
      chunks.push(part)
      kept += part.length
    }
    return { body: Buffer.concat(chunks), size }
  })()
  try {
    return await Promise.race([read, timeout])
  } finally {
    clearTimeout(timer)
    read.catch(() => {})
  }
}

/** The receiver's own 408 for a body still arriving; the connection goes once it is sent. */
function timedOut(req: IncomingMessage, res: ServerResponse): void {
  const { status, headers, body } = errorResponse(
    408,
    'ERR_WEB_HOOK_REQUEST_TIMEOUT',
    bodyTimedOut(BODY_TIMEOUT).message
  )
  res.once('finish', () => req.socket.destroy())
  res.writeHead(status, { ...headers, connection: 'close' }).end(body)
}

/** Records the status and body the listener answers (it writes them with `writeHead` and `end`). */
function captureAnswer(res: ServerResponse): () => InspectedRequest['answer'] {
  let body = ''
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
  res.end = ((...args: unknown[]) => {
    const [chunk] = args
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) body = Buffer.from(chunk).toString('utf8')
    return end(...args)
  }) as ServerResponse['end']
  return () => ({ status: res.statusCode, body })
}
