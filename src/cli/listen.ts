/**
 * `rpc-web-hooks listen`: a development receiver that prints every hook it gets, and with `--ui` shows them in the
 * inspector's page (`inspector/`).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isWebHookError } from '../errors/web-hook-error.js'
import { compileMethodPattern, isMethodPattern } from '../patterns/method-pattern.js'
import { createReceiver } from '../receiver/create-receiver.js'
import type { WebHookReceiver } from '../receiver/types.js'
import { integer, parse } from './args.js'
import { withCards } from './cards.js'
import { CliError } from './cli-error.js'
import { formatJson, formatLine, type ListenEvent } from './format.js'
import { recording } from './inspector/record.js'
import { startInspector } from './inspector/server.js'
import { InspectorStore } from './inspector/store.js'
import { createStyle } from './style.js'

export const LISTEN_HELP = `Usage: rpc-web-hooks listen [options]

A development receiver: prints each web hook it receives (time, pre/post, method, user, duration, result or error)
and answers 204. Office 365 MessageCards are printed too. Hooks go to stdout; the "listening on" line to stderr.

Options:
  --port <n>          port to listen on; 0 picks a free one (default: 8080)
  --host <address>    address to listen on (default: 127.0.0.1)
  --secret <whsec_>   verify Standard Webhooks signatures with this secret (repeat during a rotation);
                      without it, nothing is verified
  --deny <pattern>    answer 403 to pre hooks of matching methods (vm.delete, vm.*, *), to try veto hooks;
                      repeatable
  --reason <text>     the reason sent with --deny (default: "denied by rpc-web-hooks listen")
  --json              print one JSON object per line instead of text
  --ui                also serve the inspector, a page showing each request as it arrives (pre and post paired,
                      signature check, headers, body, answer; copy as curl, send again); its URL goes to stderr
  --ui-port <n>       the inspector's port, on 127.0.0.1 only; 0 picks a free one (default: 0)
  --ui-size <n>       how many requests the inspector keeps, the oldest dropped first (default: 200)
  -h, --help          show this help

Examples:
  rpc-web-hooks listen --port 3000 --secret "$WEBHOOK_SECRET"
  rpc-web-hooks listen --deny vm.delete --reason "VM is protected"
  rpc-web-hooks listen --json | jq .payload.method
  rpc-web-hooks listen --secret "$WEBHOOK_SECRET" --ui`

export interface ListenIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream
}

/** Starts the server; resolves once it listens, with a function that stops it. */
export async function listen(
  args: string[],
  io: ListenIo
): Promise<{ url: string; close(): Promise<void> } | undefined> {
  const { values } = parse('listen', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    secret: { type: 'string', multiple: true },
    deny: { type: 'string', multiple: true },
    reason: { type: 'string' },
    json: { type: 'boolean' },
    ui: { type: 'boolean' },
    'ui-port': { type: 'string' },
    'ui-size': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) {
    io.stdout.write(`${LISTEN_HELP}\n`)
    return undefined
  }
  const port = integer('port', values.port, 8080, 0, 65535)
  const host = values.host ?? '127.0.0.1'
  const ui = inspectorOptions(values)
  const style = createStyle(io.stdout)
  const print = (event: ListenEvent) =>
    io.stdout.write(`${values.json ? formatJson(event) : formatLine(event, style)}\n`)
  const receiver = printingReceiver(values, print)

  let closing = false
  let url = ''
  const onAborted = (error: Error) => {
    // While stopping, the connections closed on purpose are not news.
    if (closing) return
    const code = (error as NodeJS.ErrnoException).code
    io.stderr.write(
      `${new Date().toISOString()} a client disconnected before its request was complete (${code ?? error.message}); still listening\n`
    )
  }
  const listener = withCards(
    receiver,
    values.secret,
    (card, webHookId) => print({ kind: 'card', time: new Date(), webHookId, card }),
    onAborted
  )
  const store = ui ? new InspectorStore(ui.size) : undefined
  const server = createServer(
    store ? recording(listener, { store, url: () => url, secrets: values.secret, onAborted }) : listener
  )

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new CliError(`cannot listen on ${host}:${port}: ${error.message}`, 1))
    )
    server.listen(port, host, resolve)
  })
  const address = server.address() as AddressInfo
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
  url = `http://${shown}:${address.port}`
  const inspector = store && ui ? await startUi(store, ui.port, url, server) : undefined
  if (inspector && ui) io.stderr.write(`Inspector on ${inspector.url} (the last ${ui.size} requests).\n`)
  const verified = values.secret === undefined ? 'signatures NOT verified: no --secret' : 'verifying signatures'
  const denying = values.deny === undefined ? '' : `, denying ${values.deny.join(', ')}`
  io.stderr.write(`Listening on ${url} (${verified}${denying}). Ctrl+C to stop.\n`)
  return {
    url,
    close: () =>
      new Promise(resolve => {
        closing = true
        receiver.close()
        server.closeAllConnections()
        Promise.all([inspector?.close(), new Promise(done => server.close(done))]).then(() => resolve())
      }),
  }
}

/** `--ui`, `--ui-port` and `--ui-size`: the inspector's settings, or false without `--ui`. */
function inspectorOptions(values: { ui?: boolean; 'ui-port'?: string; 'ui-size'?: string }) {
  if (!values.ui) {
    const given = values['ui-port'] !== undefined ? '--ui-port' : values['ui-size'] !== undefined ? '--ui-size' : ''
    if (given !== '') throw new CliError(`${given} is an option of the inspector: add --ui`)
    return false
  }
  return {
    port: integer('ui-port', values['ui-port'], 0, 0, 65535),
    size: integer('ui-size', values['ui-size'], 200, 1, 100_000),
  }
}

async function startUi(store: InspectorStore, port: number, listenerUrl: string, server: Server) {
  try {
    return await startInspector({ store, port, listenerUrl })
  } catch (error) {
    server.close()
    throw new CliError(`cannot serve the inspector on 127.0.0.1:${port}: ${(error as Error).message}`, 1)
  }
}

/** The receiver of `listen`: prints each hook and refusal, and answers `--deny` with 403. */
function printingReceiver(
  values: { secret?: string[]; deny?: string[]; reason?: string },
  print: (event: ListenEvent) => void
): WebHookReceiver {
  const denials = (values.deny ?? []).map(pattern => {
    if (!isMethodPattern(pattern)) {
      throw new CliError(`--deny ${JSON.stringify(pattern)}: expected a method (vm.delete) or a pattern (vm.*, *)`)
    }
    return compileMethodPattern(pattern).test
  })
  const reason = values.reason ?? 'denied by rpc-web-hooks listen'
  let receiver: WebHookReceiver
  try {
    receiver = createReceiver({
      ...(values.secret !== undefined && { secret: values.secret }),
      onTest: ({ payload, webHookId }) => print({ kind: 'hook', time: new Date(), webHookId, payload, test: true }),
      onError: ({ error, status }) =>
        print({
          kind: 'refused',
          time: new Date(),
          status,
          code: isWebHookError(error) ? error.code : 'ERR_WEB_HOOK_HANDLER',
          message: error.message,
        }),
    })
  } catch (error) {
    throw new CliError(`--secret: ${(error as Error).message.replace(/^secret(\[\d+\])?: /, '')}`)
  }
  return receiver.on('*', ({ payload, webHookId }) => {
    const denied = payload.type === 'pre' && denials.some(match => match(payload.method)) ? reason : undefined
    print({ kind: 'hook', time: new Date(), webHookId, payload, test: false, denied })
    return denied === undefined ? undefined : { allow: false, reason: denied }
  })
}
