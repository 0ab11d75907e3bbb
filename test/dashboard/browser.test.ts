/**
 * The dashboard in a real browser (headless Chromium, test/browser/chromium.ts): one browser for the file. With
 * UPDATE_SCREENSHOTS=1 the views are saved to docs/images/ (CI leaves them alone).
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { chromiumMissing, launchChromium } from '../browser/chromium.js'
import { onCleanup } from '../core/setup.js'
import { tempDir } from '../stores/helpers.js'
import { serveDashboard, twoEndpoints } from './helpers.js'

const IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url))

async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return
  await page.screenshot({ path: join(IMAGES, name), fullPage: true })
}

describe.skipIf(chromiumMissing !== undefined)(
  `the dashboard in a browser${chromiumMissing ? ` (skipped: ${chromiumMissing})` : ''}`,
  () => {
    let browser: Browser
    beforeAll(async () => {
      browser = await launchChromium()
    })
    afterAll(() => browser?.close())

    async function open(url: string): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } })
      onCleanup(() => context.close())
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', error => errors.push(error.message))
      page.on('console', message => message.type() === 'error' && errors.push(message.text()))
      onCleanup(() => expect(errors.filter(e => !e.includes('403'))).toEqual([]))
      await page.goto(url)
      return page
    }

    it('shows both endpoints with their states and counts, live; the failing one lists its attempts', async () => {
      const { ok, bad, call } = await twoEndpoints({ breaker: { threshold: 2, cooldown: 600_000 } })
      const { url } = await serveDashboard(call.webHooks)
      const page = await open(url)
      const healthy = page.locator(`.card[data-url="${ok.url}/ok"]`)
      const failing = page.locator(`.card[data-url="${bad.url}/bad"]`)
      await expect(healthy.locator('.state').textContent()).resolves.toBe('closed')
      await expect(failing.locator('.state').textContent()).resolves.toBe('open')
      await expect(healthy.locator('.total-delivered').textContent()).resolves.toBe('1')
      await expect(failing.locator('.total-failed').textContent()).resolves.toBe('1')
      await expect(failing.locator('.last-error').textContent()).resolves.toContain('ERR_WEB_HOOK_DELIVERY_STATUS')
      expect(await page.content()).not.toMatch(/hunter2|header-value-never-shown|whsec_/)
      await page.locator('.live.on').waitFor()
      await screenshot(page, 'dashboard-overview.png')

      // The live counter moves: pushed over SSE, no reload.
      await call('vm.start', {}, undefined)
      await page.waitForFunction(
        selector => document.querySelector(selector)?.textContent === '2',
        `.card[data-url="${ok.url}/ok"] .total-delivered`
      )

      await failing.locator('a.url').click()
      const rows = page.locator('table.attempts tbody tr')
      await rows.nth(1).waitFor()
      await expect(rows.locator('.outcome').allTextContents()).resolves.toEqual(['failed', 'retry'])
      await screenshot(page, 'dashboard-endpoint.png')
      await page.locator('table.attempts tbody tr a').first().click()
      await page.locator('pre.body').waitFor()
      await expect(page.locator('pre.body').textContent()).resolves.toContain('"method": "vm.stop"')
    })

    it('replays a SQLite dead letter by a click, and the receiver gets it', async () => {
      const store = sqliteStore({ filename: join(tempDir(), 'outbox.db') })
      const { bad, call } = await twoEndpoints({ store })
      const { url } = await serveDashboard(call.webHooks)
      const page = await open(`${url}#/dead-letters`)
      const row = page.locator('table.dead-letters tbody tr')
      await row.waitFor()
      await expect(row.locator('code').first().textContent()).resolves.toMatch(/\S/)
      await screenshot(page, 'dashboard-dead-letters.png')
      bad.respond(() => undefined)
      const before = bad.requests.length
      await row.locator('button.replay').click()
      await expect(page.locator('.result').textContent()).resolves.toBe('Replayed 1 dead letter(s).')
      await bad.waitFor(before + 1)
      await page.locator('text=No dead letter.').waitFor()
    })

    it('refuses a POST without the CSRF token from the page itself, and a false authorize gives 403', async () => {
      const { call } = await twoEndpoints()
      const { url } = await serveDashboard(call.webHooks)
      const page = await open(url)
      const status = await page.evaluate(async () => {
        const response = await fetch('api/dead-letters/replay', { method: 'POST', body: '{"all":true}' })
        return [response.status, (await response.json()).error]
      })
      expect(status).toEqual([403, 'ERR_WEB_HOOK_DASHBOARD_CSRF'])
      expect(await call.webHooks.deadLetters()).toHaveLength(1)

      const locked = await serveDashboard(call.webHooks, { authorize: () => false }, '/locked')
      const context = await browser.newContext()
      onCleanup(() => context.close())
      const response = await (await context.newPage()).goto(locked.url)
      expect(response?.status()).toBe(403)
    })
  }
)
