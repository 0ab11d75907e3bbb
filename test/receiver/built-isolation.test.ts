/**
 * The built `rpc-web-hooks/receiver` loads nothing of the sender: built with the project's own tsup configuration
 * (ESM with code splitting shared with the main entry, and CJS) into a temp dir, the receiver's files and every chunk
 * they import are searched for ky, undici, nanoid and sender code. Then the built receiver is loaded and used.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { build, type Options } from 'tsup'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import configs from '../../tsup.config.js'

const outDir = mkdtempSync(join(tmpdir(), 'receiver-dist-'))
/** Names that only the sender's code has: they must not be in the receiver's bundle. */
const SENDER_CODE = ['createDeliveryEngine', 'function withWebHooks', 'function createWebHooks', 'normalizeConfig']

beforeAll(async () => {
  // Only the two entries whose shared chunks matter; no type declarations (slow, and not what is loaded).
  for (const options of configs as Options[]) {
    if (options.entry === undefined || Array.isArray(options.entry) || !('receiver' in options.entry)) continue
    const entry = { index: options.entry.index!, receiver: options.entry.receiver! }
    await build({ ...options, entry, dts: false, sourcemap: false, outDir, silent: true, config: false })
  }
}, 120_000)

afterAll(() => rmSync(outDir, { recursive: true, force: true }))

/** The file and every file it imports (relative specifiers), with the bare specifiers met on the way. */
function graph(file: string, files = new Set<string>(), bare = new Set<string>()) {
  if (files.has(file)) return { files, bare }
  files.add(file)
  const code = readFileSync(file, 'utf8')
  const specifiers = [
    ...code.matchAll(/(?:^|[;\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g),
    ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
  ].map(match => match[1]!)
  for (const specifier of specifiers) {
    if (specifier.startsWith('.')) graph(resolve(dirname(file), specifier), files, bare)
    else bare.add(specifier)
  }
  return { files, bare }
}

describe('built rpc-web-hooks/receiver', () => {
  it.each(['receiver.js', 'receiver.cjs'])('%s reaches no sender module and only Node built-ins', file => {
    const { files, bare } = graph(join(outDir, file))
    for (const specifier of bare) {
      expect(builtinModules.includes(specifier.replace(/^node:/, '')), `${file} imports ${specifier}`).toBe(true)
    }
    const code = [...files].map(path => readFileSync(path, 'utf8')).join('\n')
    expect(code).toContain('createReceiver')
    for (const name of SENDER_CODE) expect(code, `${file} contains ${name}`).not.toContain(name)
    expect(code).not.toMatch(/\bky\b.*from|undici|nanoid/)
    // The main entry, by contrast, does carry the sender (the check would catch it).
    expect(readFileSync(join(outDir, file.replace('receiver', 'index')), 'utf8')).toMatch(/withWebHooks/)
  })

  it('loads and answers with both module systems', () => {
    const script = (load: string) =>
      `${load}; const r = m.createReceiver(); r.handle({ body: '{}', headers: { 'content-type': 'application/json' } })` +
      '.then(res => console.log(res.status, typeof m.parseWebHookPayload, typeof m.verifyWebHook))'
    const esm = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', script(`const m = await import(${JSON.stringify(join(outDir, 'receiver.js'))})`)],
      { encoding: 'utf8' }
    )
    const cjs = execFileSync(
      process.execPath,
      ['-e', script(`const m = require(${JSON.stringify(join(outDir, 'receiver.cjs'))})`)],
      { encoding: 'utf8' }
    )
    expect([esm.trim(), cjs.trim()]).toEqual(['400 function function', '400 function function'])
  })
})
