/** Bar: the wrapper with no matching hook costs at most 1.10x the bare dispatcher. */
import { withWebHooks } from '../src/index.js'
import { now, type Result } from './util.js'

const CALLS = 300_000

async function time(fn: (method: string, params: unknown) => Promise<unknown>): Promise<number> {
  const start = now()
  for (let index = 0; index < CALLS; index++) await fn('vm.start', index)
  return now() - start
}

export async function overhead(): Promise<Result> {
  const bare = async (_method: string, params: unknown) => params
  const wrapped = withWebHooks(bare, {
    hooks: [{ method: 'vm.stop', type: 'pre/post', url: 'http://127.0.0.1:9/hook' }],
  })
  // Interleave rounds so that warm-up and noise hit both alike; keep the best of each.
  let bestBare = Number.POSITIVE_INFINITY
  let bestWrapped = Number.POSITIVE_INFINITY
  for (let round = 0; round < 5; round++) {
    bestBare = Math.min(bestBare, await time(bare))
    bestWrapped = Math.min(bestWrapped, await time(wrapped))
  }
  await wrapped.webHooks.close({ timeout: 0 })
  const ratio = bestWrapped / bestBare
  return {
    name: 'wrapper overhead, no matching hook',
    figures: {
      'bare ns/call': Math.round((bestBare * 1e6) / CALLS),
      'wrapped ns/call': Math.round((bestWrapped * 1e6) / CALLS),
      ratio: ratio.toFixed(3),
    },
    bar: { text: 'ratio ≤ 1.10', met: ratio <= 1.1 },
  }
}
