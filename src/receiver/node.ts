/**
 * The node:http adapter: `(req, res)` for node:http, Express and Fastify's raw request and reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { WebHookRequestError } from '../errors/request-error.js'
import type { ReceiverCore } from './core.js'
import { bodyTimedOut, declaredLength, errorResponse, normalizeHeaders, tooLarge } from './http.js'
import type { WebHookResponseOutput } from './types.js'

export function createNodeAdapter(core: ReceiverCore) {
  return async (req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> => {
    let response: WebHookResponseOutput
    let close = false
    try {
      const headers = normalizeHeaders(req.headers)
      const refused = core.precheck(req.method, headers)
      const length = declaredLength(headers)
      if (refused !== undefined) {
        response = refused
      } else if (typeof req.body === 'string' || req.body instanceof Uint8Array) {
        // A body parser already read it raw (express.raw, Fastify's addContentTypeParser with parseAs: 'buffer').
        const size = typeof req.body === 'string' ? Buffer.byteLength(req.body) : req.body.byteLength
        response =
          size > core.maxBodyBytes ? core.refuse(tooLarge(core.maxBodyBytes)) : await core.process(req.body, headers)
      } else if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && req.readableEnded) {
        response = await parsedBody(core, req.body, headers)
      } else if (length !== undefined && length > core.maxBodyBytes) {
        response = core.refuse(tooLarge(core.maxBodyBytes))
        close = true
      } else {
        const body = await readBody(req, core.maxBodyBytes, core.bodyTimeout)
        if (body === 'too large') {
          response = core.refuse(tooLarge(core.maxBodyBytes))
          close = true
        } else if (body === 'timeout') {
          response = core.refuse(bodyTimedOut(core.bodyTimeout))
          close = true
          // The client is still sending: once the 408 is out, the connection goes, whatever keep-alive says.
          res.once('finish', () => req.socket.destroy())
        } else {
          response = await core.process(body, headers)
        }
      }
    } catch {
      response = errorResponse(500, 'ERR_WEB_HOOK_HANDLER', 'The receiver failed to read the request; retry later.')
    }
    if (res.headersSent || res.destroyed) return
    // An unread oversized body is not drained: the connection is closed once the answer is sent.
    if (close) res.setHeader('connection', 'close')
    res.writeHead(response.status, response.headers)
    res.end(response.body)
  }
}

/**
 * A body a parser already turned into an object (express.json()). Unsigned, it is re-encoded; signed, it cannot be
 * verified (the exact bytes are gone), which is the receiver's own setup error: 500 so the sender retries once fixed.
 */
function parsedBody(core: ReceiverCore, body: object, headers: Record<string, string>) {
  if (!core.verifies) return core.process(JSON.stringify(body), headers)
  return core.refuse(
    new WebHookRequestError(
      'ERR_WEB_HOOK_REQUEST_PARSED_BODY',
      500,
      'req.body was already parsed as JSON, so the raw body cannot be verified. Mount the receiver with ' +
        "express.raw({ type: 'application/json' }) (or before express.json()) so it gets the exact bytes."
    )
  )
}

/**
 * The whole body; `too large` once it grows past `limit`: from there the rest is read and dropped (not kept), because
 * destroying the request would reset the connection before the 413 could be sent; `timeout` when it is not complete
 * within `timeout` ms (issue 13: a trickling client is otherwise held as long as Node's server timeouts allow).
 */
function readBody(req: IncomingMessage, limit: number, timeout: number): Promise<Buffer | 'too large' | 'timeout'> {
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
