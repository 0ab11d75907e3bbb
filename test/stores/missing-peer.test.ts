/**
 * A store whose optional peer dependency is not installed: the built package copied into a temporary project (outside
 * this repository, so that nothing resolves from its node_modules) with its runtime dependencies only. Creating the
 * store throws a `WebHookStoreError` (`ERR_WEB_HOOK_STORE_PEER_MISSING`) naming the package to install; importing the
 * entry does not throw, bad options are still reported first, and the rest of the package keeps working.
 * `npm test` builds first; skipped when dist/ is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import manifest from '../../package.json' with { type: 'json' }

const root = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(`${root}/dist/sqlite.cjs`) && existsSync(`${root}/dist/cli.js`)
let project = ''

beforeAll(() => {
  if (!built) return
  project = mkdtempSync(join(tmpdir(), 'rpc-web-hooks-no-peer-'))
  const installed = join(project, 'node_modules', 'rpc-web-hooks')
  mkdirSync(installed, { recursive: true })
  cpSync(join(root, 'dist'), join(installed, 'dist'), { recursive: true })
  cpSync(join(root, 'package.json'), join(installed, 'package.json'))
  for (const name of Object.keys(manifest.dependencies)) {
    symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name), 'dir')
  }
})
afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true })
})

/** Runs `code` in the temporary project; prints one JSON line. */
function run(code: string, type: 'commonjs' | 'module'): unknown {
  const { NODE_PATH: _ignored, ...env } = process.env
  const out = execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
    cwd: project,
    encoding: 'utf8',
    env,
  })
  return JSON.parse(out)
}

const report =
  'const report = error => ({ name: error.name, code: error.code, store: error.store, message: error.message, cause: error.cause?.code })'

const cases = [
  { entry: 'sqlite', factory: 'sqliteStore', options: "{ filename: ':memory:' }", bad: '{}', peer: 'better-sqlite3' },
  {
    entry: 'bullmq',
    factory: 'bullmqStore',
    options: "{ connection: { host: '127.0.0.1', port: 6379 } }",
    bad: '{}',
    peer: 'bullmq',
  },
]

describe.skipIf(!built)('a store without its optional peer dependency', () => {
  it('the peers really are missing from the temporary project', () => {
    expect(
      run(
        "console.log(JSON.stringify(['better-sqlite3', 'bullmq'].map(name => { try { require.resolve(name); return name } catch { return null } })))",
        'commonjs'
      )
    ).toEqual([null, null])
  })

  for (const { entry, factory, options, bad, peer } of cases) {
    const expected = {
      name: 'WebHookStoreError',
      code: 'ERR_WEB_HOOK_STORE_PEER_MISSING',
      store: entry,
      message: expect.stringContaining(`${factory}() needs the package ${peer}`),
      cause: 'MODULE_NOT_FOUND',
    }

    it(`${factory}() with require(): a coded error naming ${peer}; bad options and the main entry still work`, () => {
      const result = run(
        `${report}
        const { ${factory}, WebHookStoreError } = require('rpc-web-hooks/${entry}')
        let missing, invalid
        try { ${factory}(${options}) } catch (error) { missing = report(error); missing.isStoreError = error instanceof WebHookStoreError }
        try { ${factory}(${bad}) } catch (error) { invalid = error.code }
        const { withWebHooks, memoryStore } = require('rpc-web-hooks')
        const call = withWebHooks(async () => 42, { hooks: [], store: memoryStore() })
        call('m', {}).then(result => { console.log(JSON.stringify({ missing, invalid, result })); return call.webHooks.close() })`,
        'commonjs'
      )
      expect(result).toEqual({
        missing: { ...expected, isStoreError: true },
        invalid: 'ERR_WEB_HOOK_STORE_OPTIONS',
        result: 42,
      })
      expect((result as { missing: { message: string } }).missing.message).toContain(`npm install ${peer}`)
    })

    it(`${factory}() with import: the same error`, () => {
      const result = run(
        `${report}
        const { ${factory} } = await import('rpc-web-hooks/${entry}')
        try { ${factory}(${options}); console.log('null') } catch (error) { console.log(JSON.stringify(report(error))) }`,
        'module'
      )
      expect(result).toEqual(expected)
    })
  }

  it('rpc-web-hooks replay --sqlite says which package to install', () => {
    const file = join(project, 'outbox.db')
    writeFileSync(file, '')
    const { NODE_PATH: _ignored, ...env } = process.env
    const cli = join(project, 'node_modules', 'rpc-web-hooks', 'dist', 'cli.js')
    const { status, stderr } = spawnSync(process.execPath, [cli, 'replay', '--sqlite', file], {
      cwd: project,
      encoding: 'utf8',
      env,
    })
    expect(status).toBe(1)
    expect(stderr).toContain('npm install better-sqlite3')
    expect(stderr).toContain('needs the package better-sqlite3')
  })
})
