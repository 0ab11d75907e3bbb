import { describe, expect, it } from 'vitest'
import { type HookConfig, withWebHooks } from '../../src/index.js'
import { receiver, settle, track } from './setup.js'

async function fired(hooks: (url: string) => HookConfig[], method: string) {
  const rx = await receiver()
  const call = track(withWebHooks(async () => true, { hooks: hooks(rx.url) }))
  await call(method, {}, undefined)
  return (await settle(rx)).map(r => `${r.url} ${r.json.type}`).sort()
}

describe('method patterns', () => {
  it('vm.* matches every method starting with vm.', async () => {
    const hooks = (url: string) => [{ method: 'vm.*', type: 'pre', url: `${url}/vm`, format: 'json' }]
    expect(await fired(hooks, 'vm.start')).toEqual(['/vm pre'])
    expect(await fired(hooks, 'vm.snapshot.create')).toEqual(['/vm pre'])
    expect(await fired(hooks, 'host.restart')).toEqual([])
    expect(await fired(hooks, 'vm')).toEqual([])
  })

  it('* matches every method', async () => {
    const hooks = (url: string) => [{ method: '*', type: 'post', url: `${url}/all`, format: 'json' }]
    expect(await fired(hooks, 'session.signIn')).toEqual(['/all post'])
  })

  it('exclude removes methods (names or patterns) from a hook', async () => {
    const hooks = (url: string) => [
      { method: 'vm.*', exclude: ['vm.stats', 'vm.get*'], type: 'pre', url: `${url}/vm`, format: 'json' },
    ]
    expect(await fired(hooks, 'vm.stats')).toEqual([])
    expect(await fired(hooks, 'vm.getRecord')).toEqual([])
    expect(await fired(hooks, 'vm.start')).toEqual(['/vm pre'])
  })

  it('a glob in the middle matches any run of characters', async () => {
    const hooks = (url: string) => [{ method: 'vm.*.create', type: 'pre', url: `${url}/g`, format: 'json' }]
    expect(await fired(hooks, 'vm.snapshot.create')).toEqual(['/g pre'])
    expect(await fired(hooks, 'vm.snapshot.delete')).toEqual([])
  })
})

describe('precedence', () => {
  it('for one URL and event, only the most specific hook fires: exact > longer prefix > *', async () => {
    const hooks = (url: string) => [
      { method: '*', type: 'pre', url: `${url}/a`, format: 'json' },
      { method: 'v*', type: 'pre', url: `${url}/a`, format: 'json' },
      { method: 'vm.*', type: 'pre', url: `${url}/a`, format: 'json' },
      { method: 'vm.start', type: 'pre', url: `${url}/a`, format: 'json' },
    ]
    const rx = await receiver()
    const call = track(withWebHooks(async () => true, { hooks: hooks(rx.url) }))
    await call('vm.start', {}, undefined)
    await call('vm.stop', {}, undefined)
    await call('vdi.create', {}, undefined)
    await call('host.restart', {}, undefined)
    const requests = await settle(rx)
    expect(requests.map(r => r.json.method)).toEqual(['vm.start', 'vm.stop', 'vdi.create', 'host.restart'])
  })

  it('hooks to different URLs all fire', async () => {
    const hooks = (url: string) => [
      { method: '*', type: 'pre', url: `${url}/audit`, format: 'json' },
      { method: 'vm.start', type: 'pre', url: `${url}/ops`, format: 'json' },
    ]
    expect(await fired(hooks, 'vm.start')).toEqual(['/audit pre', '/ops pre'])
  })

  it('precedence is per event: a pre-only exact hook does not hide a pattern post hook to the same URL', async () => {
    const hooks = (url: string) => [
      { method: 'vm.*', type: 'pre/post', url: `${url}/a`, format: 'json' },
      { method: 'vm.start', type: 'pre', url: `${url}/a`, format: 'office365' },
    ]
    const requests = await fired(hooks, 'vm.start')
    expect(requests).toEqual(['/a post', '/a undefined'])
  })

  it('two exact hooks to one URL both fire (as in XO)', async () => {
    const hooks = (url: string) => [
      { method: 'vm.start', type: 'pre', url: `${url}/a`, format: 'json' },
      { method: 'vm.start', type: 'pre', url: `${url}/a`, format: 'json' },
    ]
    expect(await fired(hooks, 'vm.start')).toEqual(['/a pre', '/a pre'])
  })
})
