import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { onCleanup } from '../core/setup.js'
import { chromiumMissing, launchChromium } from './chromium.js'

describe.skipIf(chromiumMissing !== undefined)(
  `the browser tests' Chromium${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  () => {
    it('renders a page served on loopback and runs its script', async () => {
      const server = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html; charset=utf-8')
        res.end('<!doctype html><title>t</title><p id="out"></p><script>out.textContent = String(6 * 7)</script>')
      })
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      onCleanup(() => new Promise(resolve => server.close(resolve)))
      const browser = await launchChromium()
      onCleanup(() => browser.close())
      const page = await browser.newPage()
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      await expect(page.textContent('#out')).resolves.toBe('42')
    })
  }
)
