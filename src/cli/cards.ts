/**
 * `listen` shows Office 365 MessageCards (hooks whose `format` is `office365`) instead of refusing them as a receiver
 * does: verified like any hook when `--secret` is given, then printed and answered 204.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { WebHookOffice365Card } from '../payload/types.js'
import { isJsonContentType } from '../receiver/http.js'
import type { WebHookReceiver } from '../receiver/types.js'
import { verifyWebHook } from '../receiver/verify.js'

const MAX_BODY_BYTES = 1024 * 1024

/**
 * `onAborted` is told when a client goes away before its body is complete (a disconnect, a reset): one line is
 * printed and the server keeps serving (an async listener that threw would end the process).
 */
export function withCards(
  receiver: WebHookReceiver,
  secrets: readonly string[] | undefined,
  print: (card: WebHookOffice365Card, webHookId: string | undefined) => void,
  onAborted: (error: Error) => void
): RequestListener {
  return async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    try {
      await handle(req, res)
    } catch (error) {
      onAborted(error as Error)
      res.destroy()
    }
  }

  async function handle(req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !isJsonContentType(req.headers['content-type'])) return receiver.node(req, res)
    // The inspector (`--ui`) has read the body already, to at most one byte past the limit.
    const { body, size } = Buffer.isBuffer(req.body) ? { body: req.body, size: req.body.length } : await readAll(req)
    const card = size <= MAX_BODY_BYTES ? parseCard(body) : undefined
    if (card !== undefined && secrets !== undefined) {
      try {
        verifyWebHook(body, req.headers, secrets)
      } catch {
        req.body = body // the receiver refuses it (401) and reports why
        return receiver.node(req, res)
      }
    }
    if (card === undefined) {
      req.body = body
      return receiver.node(req, res)
    }
    const id = req.headers['webhook-id']
    print(card, typeof id === 'string' ? id : undefined)
    res.writeHead(204).end()
  }
}

async function readAll(req: IncomingMessage): Promise<{ body: Buffer; size: number }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    // Past the limit, keep draining but stop keeping: the receiver answers 413 for the oversized body.
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return { body: Buffer.concat(chunks), size }
}

function parseCard(body: Buffer): WebHookOffice365Card | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<WebHookOffice365Card> | null
    return value?.['@type'] === 'MessageCard' && Array.isArray(value.sections)
      ? (value as WebHookOffice365Card)
      : undefined
  } catch {
    return undefined
  }
}
