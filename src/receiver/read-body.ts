/**
 * Reading a request's body within a size limit (and, on node:http, a time limit): the one reader of the receiver's
 * adapters and of the dashboard's (src/dashboard/node.ts, fetch.ts), which may import it (this folder loads no sender
 * code). Standard library only.
 */
import type { IncomingMessage } from 'node:http'

/**
 * The whole body; `too large` once it grows past `limit`: from there the rest is read and dropped (not kept), because
 * destroying the request would reset the connection before the 413 could be sent; `timeout` when it is not complete
 * within `timeout` ms (issue 13: a trickling client is otherwise held as long as Node's server timeouts allow).
 */
export function readNodeBody(
  req: IncomingMessage,
  limit: number,
  timeout: number
): Promise<Buffer | 'too large' | 'timeout'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stop = (outcome: 'too large' | 'timeout') => {
      // Still flowing with no 'data' listener: the rest is drained and dropped.
      cleanup()
      req.on('error', () => {})
      resolve(outcome)
    }
    const timer = setTimeout(() => stop('timeout'), timeout)
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
      else stop('too large')
    }
    const onEnd = () => {
      cleanup()
      resolve(Buffer.concat(chunks))
    }
    const onClose = () => {
      cleanup()
      reject(new Error('The request was aborted before its body was complete.'))
    }
    const cleanup = () => {
      clearTimeout(timer)
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onClose)
      req.off('close', onClose)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onClose)
    req.on('close', onClose)
  })
}

/** A fetch `Request`'s whole body, or `'too large'` once it grows past `limit` (the stream is cancelled there). */
export async function readFetchBody(request: Request, limit: number): Promise<Uint8Array | 'too large'> {
  if (request.body === null) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      return 'too large'
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
