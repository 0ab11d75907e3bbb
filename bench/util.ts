/** Shared bench helpers: timing, a loopback receiver in a child process, forced GC. */
import { type ChildProcess, spawn } from 'node:child_process'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export interface Result {
  name: string
  /** Human-readable figures. */
  figures: Record<string, string | number>
  /** The bar, as text, and whether it is met. */
  bar?: { text: string; met: boolean }
}

export const now = () => performance.now()

export function percentile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

/** A full garbage collection (the flag is set at run time, so `npm run bench` needs no node option). */
export function collect(): void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  gc()
  gc()
}

const RECEIVER = `
const http = require('node:http')
const delay = Number(process.argv[1] || 0)
const server = http.createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    if (delay > 0) setTimeout(() => res.end('ok'), delay)
    else res.end('ok')
  })
})
server.keepAliveTimeout = 60000
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'))
`

/** An HTTP receiver on 127.0.0.1 in its own process (answers 200 after `delay` ms), so it does not share our loop. */
export async function childReceiver(delay = 0): Promise<{ url: string; close(): void }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', RECEIVER, String(delay)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim()))
    child.once('exit', code => reject(new Error(`receiver exited with ${code}`)))
  })
  return { url: `http://127.0.0.1:${port}/hook`, close: () => child.kill() }
}

/** A payload of a typical size (an XO post for vm.start, ~300 bytes). */
export const PARAMS = { id: '67aac198-0174-11ea-8d71-362b9e155667', force: false, bypassMacAddressesCheck: false }

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
