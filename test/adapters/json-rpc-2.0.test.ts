/**
 * `rpc-web-hooks/json-rpc-2.0` with the real `json-rpc-2.0` package over HTTP (the example server) and real receivers.
 */
import { createJSONRPCErrorResponse, JSONRPCServer } from 'json-rpc-2.0'
import { describe, expect, it } from 'vitest'
import { startJsonRpcServer, type ExampleServer } from '../../examples/json-rpc-2.0-server.js'
import { WEB_HOOK_VETO_ERROR_CODE, webHooksMiddleware } from '../../src/adapters/json-rpc-2.0/index.js'
import type { HookConfig } from '../../src/index.js'
import { onCleanup, receiver } from '../core/setup.js'

async function server(hooks: HookConfig[], options: { includeErrorStack?: boolean } = {}) {
  const started = await startJsonRpcServer(hooks, { errorListener: () => {}, ...options })
  onCleanup(() => started.close())
  return started
}

async function rpc(target: ExampleServer, body: unknown, user = 'alice'): Promise<any> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user': user },
    body: JSON.stringify(body),
  })
  return response.status === 204 ? null : response.json()
}

const byType = (requests: { json: any }[]) =>
  Object.fromEntries(requests.map(request => [request.json.type, request.json]))

describe('webHooksMiddleware (json-rpc-2.0 over HTTP)', () => {
  it('pre and post around a call, the user from the server params', async () => {
    const hooks = await receiver()
    const target = await server([{ method: 'vm.stop', type: 'pre/post', url: hooks.url }])
    const answer = await rpc(target, { jsonrpc: '2.0', id: 1, method: 'vm.stop', params: { id: 'vm-1' } })
    expect(answer).toEqual({ jsonrpc: '2.0', id: 1, result: true })
    const { pre, post } = byType(await hooks.waitFor(2))
    expect(pre).toMatchObject({
      type: 'pre',
      method: 'vm.stop',
      params: { id: 'vm-1' },
      userId: 'alice',
      userIp: '127.0.0.1',
    })
    expect(post).toMatchObject({ type: 'post', method: 'vm.stop', result: true, callId: pre.callId, userId: 'alice' })
  })

  it('an error response is the post error (code, message, data), answered unchanged', async () => {
    const hooks = await receiver()
    const target = await server([{ method: 'vm.start', type: 'post', url: hooks.url }])
    const answer = await rpc(target, { jsonrpc: '2.0', id: 'a', method: 'vm.start', params: { id: 'nope' } })
    expect(answer).toEqual({
      jsonrpc: '2.0',
      id: 'a',
      error: { code: 404, message: 'no such VM: nope', data: { id: 'nope' } },
    })
    const [post] = await hooks.waitFor(1)
    // A JSONRPCErrorException thrown by the method: reported as thrown (its code, message and data).
    expect(post!.json.error).toMatchObject({ code: 404, message: 'no such VM: nope', data: { id: 'nope' } })
  })

  it('an error response returned by an advanced method is the post error, answered unchanged', async () => {
    const hooks = await receiver()
    const target = await server([{ method: 'vm.migrate', type: 'post', url: hooks.url }], { includeErrorStack: true })
    target.rpc.addMethodAdvanced('vm.migrate', async request =>
      createJSONRPCErrorResponse(request.id ?? null, -32602, 'Invalid params', { field: 'host' })
    )
    const answer = await rpc(target, { jsonrpc: '2.0', id: 3, method: 'vm.migrate', params: {} })
    expect(answer).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: -32602, message: 'Invalid params', data: { field: 'host' } },
    })
    const [post] = await hooks.waitFor(1)
    expect(post!.json.error).toEqual({
      name: 'JSONRPCError',
      code: -32602,
      message: 'Invalid params',
      data: { field: 'host' },
    })
  })

  it('a method that throws a plain error: post error, the server maps it as usual', async () => {
    const hooks = await receiver()
    const target = await server([{ method: 'vm.crash', type: 'post', url: hooks.url }])
    target.rpc.addMethod('vm.crash', () => {
      throw new Error('boom')
    })
    const answer = await rpc(target, { jsonrpc: '2.0', id: 2, method: 'vm.crash' })
    expect(answer.error).toMatchObject({ message: 'boom' })
    const [post] = await hooks.waitFor(1)
    expect(post!.json.error).toMatchObject({ message: 'boom', name: 'Error' })
  })

  it('a batch fires hooks per call; a notification gets hooks and no response', async () => {
    const hooks = await receiver()
    const target = await server([{ method: 'vm.*', type: 'post', url: hooks.url }])
    const answer = await rpc(target, [
      { jsonrpc: '2.0', id: 1, method: 'vm.stop', params: { id: 'vm-1' } },
      { jsonrpc: '2.0', id: 2, method: 'vm.list' },
      { jsonrpc: '2.0', method: 'vm.stop', params: { id: 'vm-1' } },
    ])
    expect(answer).toHaveLength(2)
    const requests = await hooks.waitFor(3)
    const posts = requests.map(request => request.json)
    expect(posts.map(post => post.method).sort()).toEqual(['vm.list', 'vm.stop', 'vm.stop'])
    expect(posts.find(post => post.method === 'vm.list').result).toEqual([{ id: 'vm-1', running: false }])
    expect(new Set(posts.map(post => post.callId)).size).toBe(3)

    const notified = await rpc(target, { jsonrpc: '2.0', method: 'vm.stop', params: { id: 'vm-1' } })
    expect(notified).toBeNull()
    const [, , , last] = await hooks.waitFor(4)
    expect(last!.json).toMatchObject({ method: 'vm.stop', result: true })
  })

  it('a veto answers a JSON-RPC error response and the method is not called', async () => {
    const veto = await receiver(() => ({ status: 403, body: '{"reason":"vm is protected"}' }))
    const hooks = await receiver()
    const target = await server([
      { method: 'vm.start', type: 'pre', url: veto.url, veto: true },
      { method: 'vm.start', type: 'post', url: hooks.url },
    ])
    let called = false
    target.rpc.addMethod('vm.start', () => {
      called = true
    })
    const answer = await rpc(target, { jsonrpc: '2.0', id: 7, method: 'vm.start', params: { id: 'vm-1' } })
    expect(called).toBe(false)
    expect(answer.id).toBe(7)
    expect(answer.error).toMatchObject({
      code: WEB_HOOK_VETO_ERROR_CODE,
      data: { code: 'ERR_WEB_HOOK_VETOED', status: 403, reason: 'vm is protected' },
    })
    expect(answer.error.message).toMatch(/refused/)
    const [post] = await hooks.waitFor(1)
    expect(post!.json.error).toMatchObject({ name: 'WebHookVetoError', code: 'ERR_WEB_HOOK_VETOED' })
  })

  it('patterns: vm.*, *, exclude and precedence through the middleware', async () => {
    const vm = await receiver()
    const all = await receiver()
    const target = await server([
      { method: 'vm.*', exclude: ['vm.list'], type: 'post', url: vm.url },
      { method: '*', type: 'post', url: all.url, format: 'office365' },
      { method: 'vm.list', type: 'post', url: all.url },
    ])
    await rpc(target, { jsonrpc: '2.0', id: 1, method: 'vm.list' })
    await rpc(target, { jsonrpc: '2.0', id: 2, method: 'vm.stop', params: { id: 'vm-1' } })
    await vm.waitFor(1)
    await all.waitFor(2)
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(vm.requests.map(request => request.json.method)).toEqual(['vm.stop'])
    // For all.url, the exact vm.list entry beats `*` (JSON, not a card); vm.stop only matches `*` (a card).
    const kinds = all.requests.map(request => request.json.method ?? request.json['@type']).sort()
    expect(kinds).toEqual(['MessageCard', 'vm.list'])
  })

  it('the controller: configure at run time, test()', async () => {
    const first = await receiver()
    const second = await receiver()
    const target = await server([{ method: 'vm.stop', type: 'post', url: first.url }])
    target.hooks.webHooks.configure({
      hooks: [{ method: 'vm.stop', type: 'post', url: second.url }],
      user: caller => ({ name: `user:${caller.userId}` }),
    })
    await rpc(target, { jsonrpc: '2.0', id: 1, method: 'vm.stop', params: { id: 'vm-1' } }, 'bob')
    const [post] = await second.waitFor(1)
    expect(post!.json.userName).toBe('user:bob')
    expect(first.requests).toHaveLength(0)
    await target.hooks.webHooks.test()
    expect(second.requests.length).toBe(2)
  })

  it('unmatched methods go straight through; vetoErrorCode is configurable', async () => {
    const veto = await receiver(() => ({ status: 409 }))
    const rpcServer = new JSONRPCServer()
    rpcServer.addMethod('echo', (params: unknown) => params)
    rpcServer.addMethod('guarded', () => 'ran')
    const middleware = webHooksMiddleware(
      { hooks: [{ method: 'guarded', type: 'pre', url: veto.url, veto: true }] },
      {
        vetoErrorCode: -32001,
      }
    )
    rpcServer.applyMiddleware(middleware)
    try {
      expect(await rpcServer.receive({ jsonrpc: '2.0', id: 1, method: 'echo', params: [1] })).toEqual({
        jsonrpc: '2.0',
        id: 1,
        result: [1],
      })
      const refused = await rpcServer.receive({ jsonrpc: '2.0', id: 2, method: 'guarded' })
      expect(refused?.error?.code).toBe(-32001)
      expect(await rpcServer.receive({ jsonrpc: '2.0', method: 'guarded' })).toBeNull()
    } finally {
      await middleware.webHooks.close({ timeout: 100 })
    }
  })

  it('unknown methods: hooks fire (post -32601) unless the server is given, then none (XO rule)', async () => {
    const hooks = await receiver()
    const config = { hooks: [{ method: '*', type: 'post' as const, url: hooks.url }] }
    const open = new JSONRPCServer()
    const openMiddleware = webHooksMiddleware(config)
    open.applyMiddleware(openMiddleware)
    const strict = new JSONRPCServer()
    const strictMiddleware = webHooksMiddleware(config, { server: strict })
    strict.applyMiddleware(strictMiddleware)
    strict.addMethod('known', () => 'yes')
    try {
      expect((await open.receive({ jsonrpc: '2.0', id: 1, method: 'missing' }))?.error?.code).toBe(-32601)
      expect((await strict.receive({ jsonrpc: '2.0', id: 2, method: 'missing' }))?.error?.code).toBe(-32601)
      expect((await strict.receive({ jsonrpc: '2.0', id: 3, method: 'known' }))?.result).toBe('yes')
      const requests = await hooks.waitFor(2)
      await new Promise(resolve => setTimeout(resolve, 50))
      expect(requests.map(request => request.json.error?.code ?? request.json.result).sort()).toEqual([-32601, 'yes'])
    } finally {
      await openMiddleware.webHooks.close({ timeout: 100 })
      await strictMiddleware.webHooks.close({ timeout: 100 })
    }
  })

  it('a bad configuration throws a WebHookConfigError', () => {
    expect(() => webHooksMiddleware({ hooks: [{ method: 'x', type: 'pre', url: 'nope' }] })).toThrow(/hooks\[0\]\.url/)
  })
})
