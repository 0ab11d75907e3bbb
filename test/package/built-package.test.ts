/**
 * The built package as users load it: CommonJS `require` and ESM `import` of every subpath, by package name
 * (self-reference through `exports`). `npm test` builds before running the suite.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(`${root}/dist/index.cjs`)

function run(code: string, type: 'commonjs' | 'module'): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: root, encoding: 'utf8' })
}

describe.skipIf(!built)('built package', () => {
  it('loads with require() (CommonJS), ky and nanoid included', () => {
    const out = run(
      "const m = require('rpc-web-hooks'); const r = require('rpc-web-hooks/receiver'); console.log(typeof m.generateSecret, typeof m.WebHookConfigError, typeof r.isWebHookError, m.generateSecret().slice(0, 6))",
      'commonjs'
    )
    expect(out.trim()).toBe('function function function whsec_')
  })

  it('loads with import (ESM)', () => {
    const out = run(
      "const m = await import('rpc-web-hooks'); const r = await import('rpc-web-hooks/receiver'); console.log(typeof m.generateSecret, typeof r.isWebHookError)",
      'module'
    )
    expect(out.trim()).toBe('function function')
  })
})
