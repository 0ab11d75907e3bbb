import { Agent, request } from 'undici'
import { normalizeConfig } from '../src/config/normalize.js'
import { createDeliveryEngine } from '../src/delivery/engine.js'
import { childReceiver, sleep } from './util.js'
const r = await childReceiver()
const N = 20000
const body = JSON.stringify({ type: 'post', callId: 'x', method: 'vm.start', params: { a: 1 }, timestamp: Date.now() })
const mode = process.argv[2]
for (let round = 0; round < 4; round++) {
  const cpu = process.cpuUsage()
  if (mode === 'raw') {
    const dispatcher = new Agent({ connections: 32, keepAliveTimeout: 60_000 })
    let next = 0
    await Promise.all(Array.from({ length: 32 }, async () => { while (next++ < N) { const res = await request(r.url, { dispatcher, method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': 'msg_xxxxxxxxxxxxxxxxxxxxx' }, body }); await res.body.text() } }))
    await dispatcher.close()
  } else {
    const resolved = normalizeConfig({ hooks: [{ method: 'a', type: 'post', url: r.url, concurrency: 32 }], queue: { maxSize: N, maxSizePerEndpoint: N } })
    const engine = createDeliveryEngine(resolved)
    if (mode === 'trickle') {
      let sent = 0
      while (sent < N) { for (let i = 0; i < 500; i++) engine.enqueue({ id: 'msg_' + sent++, hook: resolved.hooks[0]!, type: 'post', callId: 'c', method: 'a', body, createdAt: 0 }); await sleep(1); const s = Object.values(engine.stats().endpoints)[0]!; while (s.queued > 2000) { await sleep(5); break } }
    } else for (let i = 0; i < N; i++) engine.enqueue({ id: 'msg_' + i, hook: resolved.hooks[0]!, type: 'post', callId: 'c' + i, method: 'a', body, createdAt: 0 })
    for (;;) { const s = Object.values(engine.stats().endpoints)[0]!; if (s.delivered + s.failed >= N) break; await sleep(10) }
    await engine.close({ timeout: 100 })
  }
  const used = process.cpuUsage(cpu)
  console.log(mode, ((used.user + used.system) / N).toFixed(1), 'µs/post')
}
r.close()
process.exit(0)
