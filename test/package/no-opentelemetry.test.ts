/**
 * Issue 14: without `@opentelemetry/api` installed, the built package works as before (ESM and CommonJS). The built
 * dist is copied, with package.json and the runtime dependencies, into a temp dir where `@opentelemetry/api` cannot
 * be resolved; a script there sends a waited pre and a post hook to a `createReceiver` on 127.0.0.1 through the
 * built package, telemetry left at its default.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(`${root}/dist/index.cjs`)
const dir = mkdtempSync(join(tmpdir(), 'no-otel-'))

beforeAll(() => {
  if (!built) return
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const target = join(dir, 'node_modules', 'rpc-web-hooks')
  mkdirSync(target, { recursive: true })
  // Copied, not linked: Node resolves a linked package from its real path, where @opentelemetry/api is installed.
  cpSync(join(root, 'dist'), join(target, 'dist'), { recursive: true })
  cpSync(join(root, 'package.json'), join(target, 'package.json'))
  for (const name of Object.keys(pkg.dependencies)) {
    mkdirSync(join(dir, 'node_modules', name, '..'), { recursive: true })
    symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name))
  }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const script = (load: string) => `${load}
const { createServer } = require('node:http')
let resolved = true
try { require.resolve('@opentelemetry/api') } catch { resolved = false }
const seen = []
const receiver = createReceiver()
receiver.on('*', ({ payload, headers }) => { seen.push(payload.type + ':' + (headers.traceparent ?? 'none')) })
const server = createServer(receiver.node)
server.listen(0, '127.0.0.1', async () => {
  const url = 'http://127.0.0.1:' + server.address().port + '/'
  const call = withWebHooks(async (method, params) => params.n * 2, {
    hooks: [{ method: 'vm.start', type: 'pre/post', url, waitForResponse: true }],
  })
  const result = await call('vm.start', { n: 21 })
  while (seen.length < 2) await new Promise(resolve => setTimeout(resolve, 5))
  await call.webHooks.close()
  server.close()
  console.log(JSON.stringify({ resolved, result, seen }))
})
`

describe.skipIf(!built)('built package without @opentelemetry/api (issue 14)', () => {
  it.each([
    [
      'CommonJS',
      'index.cjs',
      "const { withWebHooks } = require('rpc-web-hooks'); const { createReceiver } = require('rpc-web-hooks/receiver')",
    ],
    [
      'ESM',
      'index.mjs',
      "import { createRequire } from 'node:module'; import { withWebHooks } from 'rpc-web-hooks'; import { createReceiver } from 'rpc-web-hooks/receiver'; const require = createRequire(import.meta.url)",
    ],
  ])('%s: hooks are sent and received as before', (_kind, file, load) => {
    const path = join(dir, file.endsWith('.cjs') ? 'test.cjs' : 'test.mjs')
    writeFileSync(path, script(load))
    const out = execFileSync(process.execPath, [path], { cwd: dir, encoding: 'utf8', timeout: 15_000 })
    expect(JSON.parse(out)).toEqual({ resolved: false, result: 42, seen: ['pre:none', 'post:none'] })
  })
})
