/**
 * The dashboard as users get it: `rpc-web-hooks/dashboard` from the ESM and the CommonJS builds, and from the packed
 * tarball (extracted, nothing else around), serving its page's assets (dist/dashboard-assets/). `npm test` builds first;
 * skipped when dist/ is missing.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const built = existsSync(`${root}/dist/dashboard.cjs`) && existsSync(`${root}/dist/dashboard-assets/app.js`)
const folders: string[] = []
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

/** Serves a dashboard of a stand-in controller on 127.0.0.1 and prints the sizes of its page and assets. */
const serve = (load: string) => `
const { createDashboard } = ${load}
const { createServer } = require('node:http')
const webHooks = {
  closed: false,
  stats: () => ({ endpoints: {}, queued: 0, dropped: 0 }),
  history: () => ({ enabled: true, at: Date.now(), size: 1, attempts: [], endpoints: {} }),
  deadLetters: async () => [],
  replay: async () => 0,
}
const dashboard = createDashboard(webHooks, { authorize: 'none', basePath: '/d' })
const server = createServer(dashboard.node).listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port + '/d/'
  const sizes = []
  for (const path of ['', 'app.js', 'app.css', 'api/overview']) {
    const response = await fetch(base + path)
    sizes.push(response.status + ':' + ((await response.text()).length > 20))
  }
  console.log(sizes.join(' '))
  dashboard.close()
  server.close()
})
`

function run(code: string, cwd: string, type: 'commonjs' | 'module'): string {
  const prefix =
    type === 'module'
      ? "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
      : ''
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', prefix + code], { cwd, encoding: 'utf8' }).trim()
}

const ALL_SERVED = '200:true 200:true 200:true 200:true'

describe.skipIf(!built)('rpc-web-hooks/dashboard, built', () => {
  it('serves its page from the CommonJS build', () => {
    expect(run(serve("require('rpc-web-hooks/dashboard')"), root, 'commonjs')).toBe(ALL_SERVED)
  })

  it('serves its page from the ESM build', () => {
    expect(run(serve("await import('rpc-web-hooks/dashboard')"), root, 'module')).toBe(ALL_SERVED)
  })

  it('serves its page from the packed tarball', () => {
    const folder = mkdtempSync(join(tmpdir(), 'rwh-dashboard-'))
    folders.push(folder)
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', folder], {
      cwd: root,
      encoding: 'utf8',
    })
    const [{ filename }] = JSON.parse(out) as [{ filename: string }]
    execFileSync('tar', ['-xzf', join(folder, filename), '-C', folder])
    const packaged = join(folder, 'package')
    expect(run(serve("require('./dist/dashboard.cjs')"), packaged, 'commonjs')).toBe(ALL_SERVED)
    expect(run(serve("await import('./dist/dashboard.js')"), packaged, 'module')).toBe(ALL_SERVED)
  })
})
