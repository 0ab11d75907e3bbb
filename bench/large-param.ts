/**
 * Issue #13 item 6: a 50 MB string param. Before, it was stringified (three or four times) before the size cap
 * replaced it, which blocked the call for about 0.8 s; now the cap sees it is surely too large from its length.
 * Reports the awaited call with a pre/post hook and a 50 MB string param against the same call with a typical param
 * (the baseline, same run), and one `JSON.stringify` of the string, the cost of even a single stringify.
 */
import { withWebHooks } from '../src/index.js'
import { childReceiver, now, PARAMS, type Result } from './util.js'

const ROUNDS = 7
const SIZE = 50 * 1024 * 1024

async function median(run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const start = now()
    await run()
    samples.push(now() - start)
  }
  return samples.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!
}

export async function largeParam(): Promise<Result> {
  const receiver = await childReceiver()
  const call = withWebHooks(async () => true, {
    hooks: [{ method: 'vm.start', type: 'pre/post', url: receiver.url }],
    retry: false,
  })
  const big = { data: 'x'.repeat(SIZE) }
  for (let index = 0; index < 100; index++) await call('vm.start', PARAMS)
  const baseline = await median(() => call('vm.start', PARAMS))
  const large = await median(() => call('vm.start', big))
  const stringify = await median(async () => JSON.stringify(big.data).length)
  await call.webHooks.close({ timeout: 1000 })
  receiver.close()
  return {
    name: 'a 50 MB string param (pre/post hook, awaited call, median of 7)',
    figures: {
      'typical param µs/call': Math.round(baseline * 1000),
      '50 MB param µs/call': Math.round(large * 1000),
      ratio: `${(large / baseline).toFixed(2)}x`,
      'one JSON.stringify of the string, ms': Math.round(stringify),
    },
    bar: { text: '50 MB param call < one JSON.stringify of it', met: large < stringify },
  }
}
