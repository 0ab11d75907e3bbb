/**
 * `npm run check:package` (scripts/check-package.mjs): publint and are-the-types-wrong with every resolution, on a
 * tarball packed in a temporary folder, so that a tarball the user packed in the project folder survives it.
 * `npm test` builds first; skipped when dist/ is missing, or when a real tarball is in the project folder (never
 * touched by the suite).
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import manifest from '../../package.json' with { type: 'json' }

const root = fileURLToPath(new URL('../..', import.meta.url))
const tarball = `${root}/${manifest.name}-${manifest.version}.tgz`
const built = existsSync(`${root}/dist/index.d.cts`)

describe.skipIf(!built || existsSync(tarball))('npm run check:package', () => {
  it('passes (publint, attw --profile strict) and leaves the tarball the user packed', {
    timeout: 120_000,
  }, async () => {
    writeFileSync(tarball, 'the tarball the user packed')
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['scripts/check-package.mjs'], {
        cwd: root,
        encoding: 'utf8',
      })
      expect(stdout).toContain('No problems found')
      // attw prints a table, or a list when the terminal is narrow: node10 is the first column either way.
      expect(stdout).toMatch(/"rpc-web-hooks\/receiver"(\s+node10:|\s*│)\s*🟢/)
      expect(readFileSync(tarball, 'utf8')).toBe('the tarball the user packed')
    } finally {
      rmSync(tarball, { force: true })
    }
  })
})
