/**
 * Runs the `rpc-web-hooks` command from source (tsx), as a child process.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const TSX = `${root}node_modules/.bin/tsx`
const CLI = `${root}src/cli/index.ts`

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the command to its end (piped output: no colours). */
export function run(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

export interface Listener {
  url: string
  child: ChildProcess
  /** Everything printed on stdout so far. */
  output(): string
  /** Everything printed on stderr so far. */
  errors(): string
  /** Sends SIGINT (Ctrl+C) and resolves with the exit code. */
  interrupt(): Promise<number | null>
  /** Resolves once stdout holds `lines` lines. */
  waitForLines(lines: number, timeoutMs?: number): Promise<string[]>
  stop(): Promise<number | null>
}

/** The built command (`npm run build`), as users run it. */
export const BUILT_CLI = `${root}dist/cli.js`

/** Starts `rpc-web-hooks listen --port 0 …` (from source, or `built`: dist/cli.js) and resolves with the URL it prints. */
export function startListen(args: string[], { built = false } = {}): Promise<Listener> {
  const [command, script] = built ? [process.execPath, BUILT_CLI] : [TSX, CLI]
  const child = spawn(command, [script, 'listen', '--port', '0', ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', chunk => (stdout += chunk))
  const lines = () => stdout.split('\n').filter(line => line !== '')
  let exited: Promise<number | null> = new Promise(resolve => child.on('close', code => resolve(code)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listen did not start: ${stderr}`)), 15_000)
    child.stderr!.on('data', chunk => {
      stderr += chunk
      const match = /Listening on (http:\/\/\S+)/.exec(stderr)
      if (match === null) return
      clearTimeout(timer)
      resolve({
        url: match[1]!,
        child,
        output: () => stdout,
        errors: () => stderr,
        interrupt() {
          child.kill('SIGINT')
          const result = exited
          exited = Promise.resolve(child.exitCode)
          return result
        },
        async waitForLines(count, timeoutMs = 10_000) {
          const deadline = Date.now() + timeoutMs
          while (lines().length < count) {
            if (Date.now() > deadline) throw new Error(`expected ${count} lines, got:\n${stdout}`)
            await new Promise(r => setTimeout(r, 20))
          }
          return lines()
        },
        stop() {
          child.kill('SIGTERM')
          const result = exited
          exited = Promise.resolve(child.exitCode)
          return result
        },
      })
    })
    child.on('close', code => {
      clearTimeout(timer)
      reject(new Error(`listen exited with ${code}: ${stderr}`))
    })
  })
}
