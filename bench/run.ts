/**
 * `npm run bench`: the delivery engine's bars (issue 3), each measured against a baseline in the same run.
 * `npm run bench -- throughput memory` runs only those.
 */
import { history } from './history.js'
import { largeParam } from './large-param.js'
import { memory } from './memory.js'
import { overhead } from './overhead.js'
import { scaling } from './scaling.js'
import { receiverBench } from './receiver.js'
import { slowReceiver } from './slow-receiver.js'
import { stores } from './stores.js'
import { telemetry } from './telemetry.js'
import { throughput } from './throughput.js'
import type { Result } from './util.js'

const benches: Record<string, () => Promise<Result>> = {
  overhead,
  slowReceiver,
  throughput,
  memory,
  stores,
  largeParam,
  telemetry,
  scaling,
  history,
  receiver: receiverBench,
}
const selected = process.argv.slice(2).filter(name => name in benches)

console.log(`node ${process.version}, ${process.platform} ${process.arch}`)
// Always in this order, whatever the order asked: a bench that ran before leaves JIT feedback behind (see overhead.ts).
for (const name of Object.keys(benches).filter(name => selected.length === 0 || selected.includes(name))) {
  const started = performance.now()
  const result = await benches[name]!()
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`\n## ${result.name} (${seconds} s)`)
  for (const [key, value] of Object.entries(result.figures)) console.log(`  ${key}: ${value}`)
  if (result.bar) console.log(`  bar: ${result.bar.text} → ${result.bar.met ? 'MET' : 'MISSED'}`)
}
process.exit(0)
