/**
 * The built adapters as their hosts load them: XO's plugin loader (CommonJS, `.default`, `configurationSchema`,
 * `testSchema`) on the example package `xo-server-web-hooks-plus` installed in a plugins directory, and both subpaths
 * with `require` and `import`. `npm test` builds first; without dist/ these are skipped.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

// RPC_WEB_HOOKS_PACKAGE_ROOT: test a package built elsewhere (a directory with package.json, dist/ and node_modules/).
const root = process.env.RPC_WEB_HOOKS_PACKAGE_ROOT ?? fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(join(root, 'dist/xo.cjs')) && existsSync(join(root, 'dist/json-rpc-2.0.cjs'))

function run(code: string, type: 'commonjs' | 'module', cwd = root): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd, encoding: 'utf8' })
}

describe.skipIf(!built)('built adapters', () => {
  const dirs: string[] = []
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('rpc-web-hooks/xo and rpc-web-hooks/json-rpc-2.0 load with require() and import', () => {
    const cjs = run(
      "const xo = require('rpc-web-hooks/xo'); const j = require('rpc-web-hooks/json-rpc-2.0'); console.log(typeof xo.default, typeof xo.configurationSchema, typeof xo.testSchema, typeof j.webHooksMiddleware)",
      'commonjs'
    )
    expect(cjs.trim()).toBe('function function object function')
    const esm = run(
      "const xo = await import('rpc-web-hooks/xo'); const j = await import('rpc-web-hooks/json-rpc-2.0'); console.log(typeof xo.default, typeof j.webHooksMiddleware)",
      'module'
    )
    expect(esm.trim()).toBe('function function')
  })

  it('rpc-web-hooks/json-rpc-peer, /jayson and /trpc load with require() and import', () => {
    const names = "[['json-rpc-peer', 'webHooksPeer'], ['jayson', 'webHooksMethods'], ['trpc', 'webHooksTrpc']]"
    const cjs = run(
      `for (const [path, name] of ${names}) console.log(typeof require('rpc-web-hooks/' + path)[name])`,
      'commonjs'
    )
    expect(cjs.trim().split('\n')).toEqual(['function', 'function', 'function'])
    const esm = run(
      `for (const [path, name] of ${names}) console.log(typeof (await import('rpc-web-hooks/' + path))[name])`,
      'module'
    )
    expect(esm.trim().split('\n')).toEqual(['function', 'function', 'function'])
  })

  it('XO loads examples/xo-plugin from a plugins directory, configures, loads and unloads it', () => {
    // A plugins directory as xo-server scans it: node_modules/xo-server-*, with rpc-web-hooks installed beside it.
    const dir = mkdtempSync(join(tmpdir(), 'xo-plugins-'))
    dirs.push(dir)
    mkdirSync(join(dir, 'node_modules'))
    cpSync(
      fileURLToPath(new URL('../../examples/xo-plugin', import.meta.url)),
      join(dir, 'node_modules/xo-server-web-hooks-plus'),
      { recursive: true }
    )
    symlinkSync(root, join(dir, 'node_modules/rpc-web-hooks'), 'dir')
    const out = run(
      `
      import { createRequire } from 'node:module'
      import { EventEmitter } from 'node:events'
      const requireResolve = createRequire(${JSON.stringify(`${dir}/`)}).resolve
      // xo-server's registerPlugin: import the CommonJS module, take .default, then its named parts.
      const plugin = (await import(requireResolve('./node_modules/xo-server-web-hooks-plus'))).default
      const { default: factory = plugin, configurationSchema, testSchema } = plugin
      const xo = Object.assign(new EventEmitter(), { apiMethods: { 'vm.stop': {}, 'vm.start': {} } })
      const schema = configurationSchema({ xo })
      const instance = factory({ xo, staticConfig: {} })
      instance.configure({ hooks: [{ method: 'vm.start', type: 'pre/post', url: 'http://127.0.0.1:9/', format: 'json' }] })
      instance.load()
      const loaded = xo.listenerCount('xo:preCall') + xo.listenerCount('backup:postCall')
      instance.unload()
      await instance.webHooks.close({ timeout: 0 })
      console.log(JSON.stringify({ loaded, after: xo.listenerCount('xo:preCall'), methods: schema.properties.hooks.items.properties.method.anyOf[0].enum, test: Object.keys(testSchema.properties) }))
      `,
      'module',
      dir
    )
    expect(JSON.parse(out)).toEqual({ loaded: 2, after: 0, methods: ['vm.start', 'vm.stop'], test: ['url', 'format'] })
  })
})
