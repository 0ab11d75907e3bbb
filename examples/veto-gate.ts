/**
 * A veto gate: an approval service that refuses `vm.delete` on VMs tagged `protected` (Xen Orchestra issue #5205:
 * "skip the call when the hook says no"). The sender's pre hook has `veto: true`; this receiver answers 204 to let
 * the call go ahead, or 403 `{ "reason": … }` to stop it, and the caller gets a `WebHookVetoError`.
 *
 * Run it: `npx tsx examples/veto-gate.ts` — it starts the gate, a sender using it, and tries two deletions.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateSecret, WebHookVetoError, withWebHooks } from '../src/index.js'
// In your code: from 'rpc-web-hooks/receiver'
import { createReceiver, deny } from '../src/receiver/index.js'

type Api = { 'vm.delete': { params: { id: string }; result: void } }

/** Stands for the inventory the gate asks (XO's API, a CMDB…): tags per VM id. */
const tags = new Map<string, string[]>([
  ['vm-db-01', ['production', 'protected']],
  ['vm-scratch', ['test']],
])

/** The gate: a receiver whose pre handler decides. */
export function createVetoGate(secret: string) {
  return createReceiver<Api>({ secret }).onPre('vm.delete', ({ payload }) => {
    if (tags.get(payload.params.id)?.includes('protected')) {
      throw deny(`${payload.params.id} is tagged "protected"; remove the tag first`)
    }
    // Returning nothing (or { allow: true }) lets the call go ahead.
  })
}

async function main() {
  const secret = generateSecret()
  const gate = createVetoGate(secret)
  const server = createServer(gate.node).listen(0, '127.0.0.1')
  await new Promise(resolve => server.once('listening', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  // The sender: deletions wait for the gate's answer; an unreachable gate refuses them (failOpen: false).
  const call = withWebHooks(async (method: string, params: { id: string }) => console.log(`  ${method} ${params.id}`), {
    secret,
    hooks: [{ method: 'vm.delete', type: 'pre', url, format: 'json', veto: true, timeout: 5000 }],
  })

  for (const id of ['vm-scratch', 'vm-db-01']) {
    try {
      await call('vm.delete', { id })
      console.log(`deleted ${id}`)
    } catch (error) {
      if (!(error instanceof WebHookVetoError)) throw error
      console.log(`refused (HTTP ${error.status}): ${error.reason}`)
    }
  }
  await call.webHooks.close({ timeout: 1000 })
  server.close()
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
