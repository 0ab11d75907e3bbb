import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { withWebHooks } from '../src/index.js'
import { sqliteStore } from '../src/stores/sqlite/index.js'
import { PARAMS, childReceiver } from './util.js'
const receiver = await childReceiver()
const dir = mkdtempSync(join(tmpdir(), 'p-'))
const useStore = process.argv[2] !== 'memory'
const call = withWebHooks(async (_m: string, p: unknown) => p, {
  hooks: [{ method: 'vm.start', type: 'post', url: receiver.url, concurrency: 32 }],
  ...(useStore ? { store: sqliteStore({ filename: join(dir, 'a.db') }) } : {}),
})
await new Promise(r => setTimeout(r, 200))
const out: number[] = []
const wave = Array.from({ length: 64 }, () => PARAMS)
for (let round = 0; round < 8; round++) {
  const t = performance.now()
  for (let i = 0; i < 10000; i += 64) await Promise.all(wave.map(p => call('vm.start', p)))
  out.push(Math.round(((performance.now() - t) * 1e6) / 10000))
  const stats = () => Object.values(call.webHooks.stats().endpoints)[0]
  while ((stats()?.delivered ?? 0) < (round + 1) * 10000) await new Promise(r => setTimeout(r, 5))
}
console.log(out.join(' '))
receiver.close()
process.exit(0)
