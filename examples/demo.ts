/**
 * `npm run demo`: an XO-style JSON-RPC server wrapped with `withWebHooks`, a receiver, and a few calls (one fails).
 * Prints the calls and what the receiver got, then exits 0.
 */
import { startReceiver } from './receiver.js'
import { startServer } from './xo-style-server.js'

async function rpc(url: string, user: string, method: string, params: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user': user },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  return (await response.json()) as { result?: unknown; error?: { message: string } }
}

const lines: string[] = []
const receiver = await startReceiver({ log: line => lines.push(`  receiver: ${line}`) })
const server = await startServer({
  hooks: [
    // XO's own shape: the call waits for this pre hook (the receiver runs its command first).
    { method: 'vm.start', type: 'pre', url: receiver.url, format: 'json', waitForResponse: true },
    // A pattern: every vm.* method, after the call.
    { method: 'vm.*', type: 'post', url: receiver.url, format: 'json' },
    { method: 'vm.create', type: 'pre', url: receiver.url, format: 'json' },
  ],
  retry: false,
})

console.log(`server ${server.url}, receiver ${receiver.url}\n`)
const calls: Array<[string, string, unknown]> = [
  ['alice', 'vm.create', { name: 'db' }],
  ['alice', 'vm.start', { id: 'vm-1' }],
  ['bob', 'vm.stop', { id: 'vm-1' }],
  ['bob', 'vm.start', { id: 'no-such-vm' }], // fails: the post hook carries the error
]
for (const [user, method, params] of calls) {
  const { result, error } = await rpc(server.url, user, method, params)
  console.log(`${user} called ${method}: ${error ? `error "${error.message}"` : `result ${JSON.stringify(result)}`}`)
}

// 3 pre hooks (vm.create, vm.start twice) and 4 post hooks.
await receiver.waitFor(7)
console.log('\nThe receiver got:')
for (const line of lines) console.log(line)
await server.close()
await receiver.close()
console.log('\ndone')
