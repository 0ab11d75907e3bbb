import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

describe('npm run demo', () => {
  it('starts the server and the receiver, makes calls (one failing), prints what the receiver got, exits 0', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
      cwd: new URL('../..', import.meta.url),
      timeout: 30_000,
    })
    expect(stdout).toContain('alice called vm.start: result true')
    expect(stdout).toContain('bob called vm.start: error "no such VM"')
    expect(stdout).toMatch(/receiver: pre {2}vm\.create by alice@example\.com \{"name":"db"\}/)
    expect(stdout).toContain('receiver:      $ echo → starting a VM {"id":"vm-1"}')
    expect(stdout).toMatch(/receiver: post vm\.stop by bob@example\.com → true/)
    expect(stdout).toMatch(/receiver: post vm\.start by bob@example\.com ✗ no such VM/)
    expect(stdout.trim().endsWith('done')).toBe(true)
  })
})
