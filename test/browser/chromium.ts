/**
 * A headless Chromium for the browser tests: Debian's `chromium` package (installed by `.ci/run`, as `redis-server`
 * is), driven by playwright-core with its `executablePath`. Nothing downloads a browser.
 *
 * `CHROMIUM_PATH` names another binary. Where none is found the browser tests skip with {@link chromiumMissing} as
 * their reason.
 */
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (path): path is string => typeof path === 'string' && path !== ''
)

/** The Chromium binary the browser tests use, or `undefined` where there is none. */
export const chromiumPath: string | undefined = candidates.find(path => existsSync(path))

/** Why the browser tests are skipped (for `describe.skipIf(...)` titles), or `undefined` when they run. */
export const chromiumMissing: string | undefined =
  chromiumPath === undefined
    ? `no Chromium found at ${candidates.join(', ')}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`
    : undefined

/**
 * Starts a headless Chromium (playwright gives it a fresh temporary profile). The flags keep it off the network (this
 * machine's network is closed: without them Chromium tries Google's hosts at every start) and let it run as root in a
 * container.
 */
export async function launchChromium(): Promise<Browser> {
  if (chromiumPath === undefined) throw new Error(chromiumMissing)
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
