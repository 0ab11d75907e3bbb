/**
 * The built `rpc-web-hooks/sqlite` and `rpc-web-hooks/bullmq` entries as users load them, by package name, with
 * require() and import. `npm test` builds before running the suite; skipped when dist/ has no store entry.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(`${root}/dist/sqlite.cjs`) && existsSync(`${root}/dist/bullmq.js`)

function run(code: string, type: 'commonjs' | 'module'): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: root, encoding: 'utf8' })
}

describe.skipIf(!built)('built store entries', () => {
  it('load with require() (CommonJS)', () => {
    const out = run(
      "const { sqliteStore } = require('rpc-web-hooks/sqlite'); const b = require('rpc-web-hooks/bullmq'); const s = sqliteStore({ filename: ':memory:' }); console.log(s.kind, JSON.stringify(s.counts()), typeof b.bullmqStore, b.WebHookStoreError.name); s.close()",
      'commonjs'
    )
    expect(out.trim()).toBe('sqlite {"pending":0,"dead":0} function WebHookStoreError')
  })

  it('load with import (ESM)', () => {
    const out = run(
      "const { sqliteStore } = await import('rpc-web-hooks/sqlite'); const { bullmqStore } = await import('rpc-web-hooks/bullmq'); console.log(sqliteStore({ filename: ':memory:' }).kind, typeof bullmqStore)",
      'module'
    )
    expect(out.trim()).toBe('sqlite function')
  })
})
