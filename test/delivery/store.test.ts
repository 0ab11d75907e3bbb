import { describe, expect, it } from 'vitest'
import { CurrentConfig } from '../../src/config/current.js'
import type { WebHooksConfig } from '../../src/config/types.js'
import { createDeliveryEngine } from '../../src/delivery/engine.js'
import type { OutgoingDelivery } from '../../src/delivery/engine-types.js'
import { memoryStore, type WebHookDeadLetter, type WebHookStore, type WebHookStoredDelivery } from '../../src/index.js'
import { receiver, until, wrap } from '../core/setup.js'

/** An engine on a hand-normalised configuration, with one delivery builder. */
function engineFor(config: WebHooksConfig) {
  const current = new CurrentConfig(config)
  const resolved = current.resolved
  const engine = createDeliveryEngine(current)
  let count = 0
  const delivery = (type: 'pre' | 'post' = 'post', callId = `call${count}`): OutgoingDelivery => ({
    id: `msg_test${++count}`,
    hook: resolved.hooks[0]!,
    type,
    callId,
    method: 'a',
    body: JSON.stringify({ n: count }),
    createdAt: Date.now(),
  })
  return { engine, delivery }
}

/** A durable store kept in a Map, recording every call: what SQLite/BullMQ stores will implement. */
function journalStore(initial: WebHookStoredDelivery[] = []) {
  const pending = new Map(initial.map(delivery => [delivery.id, { delivery, leaseUntil: 0 }]))
  const calls: string[] = []
  const dead: WebHookDeadLetter[] = []
  const store: WebHookStore = {
    kind: 'test',
    durable: true,
    enqueue(delivery, leaseUntil) {
      calls.push(`enqueue ${delivery.id}`)
      pending.set(delivery.id, { delivery, leaseUntil })
    },
    lease({ limit, leaseMs, now }) {
      const out = [...pending.values()].filter(entry => entry.leaseUntil <= now).slice(0, limit)
      for (const entry of out) entry.leaseUntil = now + leaseMs
      return out.map(entry => entry.delivery)
    },
    async ack(id) {
      calls.push(`ack ${id}`)
      pending.delete(id)
    },
    retryAt(id, _at, attempts) {
      calls.push(`retryAt ${id} ${attempts}`)
    },
    deadLetter(letter) {
      calls.push(`deadLetter ${letter.id}`)
      pending.delete(letter.id)
      dead.push(letter)
    },
    listDeadLetters: () => dead,
    takeDeadLetters: () => dead.splice(0),
  }
  return { store, calls, pending }
}

describe('stores', () => {
  it('the memory store keeps dead letters; replay sends them again', async () => {
    const server = await receiver((_request, index) => (index === 0 ? { status: 400 } : {}))
    const store = memoryStore()
    const { engine, delivery } = engineFor({ hooks: [{ method: 'a', type: 'post', url: server.url }], store })
    const outgoing = delivery()
    const outcome = await engine.deliver(outgoing, Date.now() + 1000, false)
    expect(outcome).toMatchObject({ ok: false, status: 400, attempts: 1 })
    await until(() => store.listDeadLetters().length === 1)
    expect(store.listDeadLetters()[0]).toMatchObject({ id: outgoing.id, code: 'ERR_WEB_HOOK_DELIVERY_STATUS' })
    expect(await engine.replay()).toBe(1)
    await server.waitFor(2)
    expect(server.requests[1]!.headers['webhook-id']).toBe(outgoing.id)
    expect(store.listDeadLetters()).toEqual([])
    await engine.close({ timeout: 100 })
  })

  it('.webHooks.replay() sends dead letters again with their delivery id', async () => {
    const server = await receiver((_request, index) => (index === 0 ? { status: 422 } : {}))
    const store = memoryStore()
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], store })
    await call('a', {})
    await until(() => store.listDeadLetters().length === 1)
    expect(await call.webHooks.replay()).toBe(1)
    await server.waitFor(2)
    expect(server.requests[1]!.headers['webhook-id']).toBe(server.requests[0]!.headers['webhook-id'])
  })

  it('memoryStore follows the store contract: lease with expiry, retryAt, ack, dead letters', () => {
    const store = memoryStore({ maxDeadLetters: 2 })
    const delivery = (id: string, notBefore = 0): WebHookStoredDelivery => ({
      id,
      endpoint: 'http://h/',
      url: 'http://h/',
      type: 'post',
      method: 'a',
      callId: id,
      body: '{}',
      createdAt: 0,
      attempts: 0,
      notBefore,
    })
    store.enqueue(delivery('a'), 0)
    store.enqueue(delivery('b'), 1000)
    store.enqueue(delivery('c', 500), 0)
    expect(store.lease({ limit: 10, leaseMs: 100, now: 10 }).map(item => item.id)).toEqual(['a'])
    // Leased until 110: not offered again before, offered after (its process died).
    expect(store.lease({ limit: 10, leaseMs: 100, now: 50 })).toEqual([])
    expect(store.lease({ limit: 10, leaseMs: 100, now: 600 }).map(item => item.id)).toEqual(['a', 'c'])
    store.retryAt('a', 2000, 1)
    store.ack('c')
    expect(store.lease({ limit: 10, leaseMs: 100, now: 2500 }).map(item => [item.id, item.attempts])).toEqual([
      ['a', 1],
      ['b', 0],
    ])
    for (const id of ['x', 'y', 'z']) {
      store.deadLetter({ ...delivery(id), failedAt: 1, code: 'ERR', message: 'm' })
    }
    expect(store.listDeadLetters().map(letter => letter.id)).toEqual(['y', 'z'])
    expect(store.takeDeadLetters(['z']).map(item => item.id)).toEqual(['z'])
    expect(store.listDeadLetters().map(letter => letter.id)).toEqual(['y'])
  })

  it('a durable store is written through: enqueue, retryAt, ack', async () => {
    const server = await receiver((_request, index) => (index === 0 ? { status: 503 } : {}))
    const { store, calls } = journalStore()
    const { engine, delivery } = engineFor({
      hooks: [{ method: 'a', type: 'post', url: server.url }],
      store,
      retry: { schedule: [5] },
    })
    engine.enqueue(delivery())
    await until(() => calls.length === 3)
    expect(calls).toEqual(['enqueue msg_test1', 'retryAt msg_test1 1', 'ack msg_test1'])
    await engine.close({ timeout: 100 })
  })

  it('a durable store gives back what a previous process left pending, and keeps what close() could not send', async () => {
    const server = await receiver()
    const left: WebHookStoredDelivery = {
      id: 'msg_left',
      endpoint: `${server.url}/`,
      url: `${server.url}/`,
      type: 'post',
      method: 'a',
      callId: 'c1',
      body: '{"left":true}',
      createdAt: Date.now() - 1000,
      attempts: 2,
      notBefore: 0,
    }
    const { store, calls, pending } = journalStore([left])
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], store })
    await server.waitFor(1)
    expect(server.requests[0]!.headers['webhook-id']).toBe('msg_left')
    await until(() => calls.includes('ack msg_left'))
    expect(pending.size).toBe(0)
    server.respond(() => ({ delay: 2000 }))
    await call('a', {})
    await server.waitFor(2)
    const { undelivered } = await call.webHooks.close({ timeout: 50 })
    expect(undelivered).toHaveLength(1)
    expect(pending.has(undelivered[0]!.id)).toBe(true)
  })
})
