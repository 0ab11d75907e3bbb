#!/usr/bin/env node
/**
 * `npm run check:package`: publint (strict) and are-the-types-wrong (profile `strict`: every resolution, node10
 * included) on the tarball npm would publish. The tarball is packed into a temporary folder and removed there: a
 * `rpc-web-hooks-<version>.tgz` the user packed in the project folder is left alone (`attw --pack .` overwrote and
 * deleted it).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' })

const folder = mkdtempSync(join(tmpdir(), 'rpc-web-hooks-pack-'))
try {
  run(npm, ['exec', '--no', '--', 'publint', '--strict'])
  run(npm, ['pack', '--pack-destination', folder, '--silent'])
  const tarball = readdirSync(folder).find(name => name.endsWith('.tgz'))
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball in ${folder}`)
  run(npm, ['exec', '--no', '--', 'attw', join(folder, tarball), '--profile', 'strict'])
} catch (error) {
  // The tools printed what is wrong; exit with their status, without a second stack trace.
  process.exitCode = typeof error?.status === 'number' ? error.status : 1
  if (error?.status === undefined) console.error(error)
} finally {
  rmSync(folder, { recursive: true, force: true })
}
