/**
 * One attempt of one delivery: builds and signs the request, calls the transport, and turns the answer or the error
 * into an `Attempt` (never rejects). Classifies failures: retryable (network, timeout, 408, 429, 5xx) or not.
 */
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import type { WebHookUnsafeUrlError } from '../errors/unsafe-url-error.js'
import { isWebHookError } from '../errors/web-hook-error.js'
import { redactEchoes, secretValuesOfHook } from '../security/echoes.js'
import type { SafeUrlPolicy } from '../security/safe-url.js'
import type { AttemptSpan } from '../telemetry/sender.js'
import type { Job } from './endpoint.js'
import { nextHop } from './redirect.js'
import { buildRequest } from './request.js'
import { isRetryableStatus, parseRetryAfter } from './retry.js'
import type { WebHookDeliveryFailure, WebHookTransport, WebHookTransportResponse } from './types.js'

export interface Attempt {
  job: Job
  /** Set when the attempt failed. */
  error: WebHookDeliveryFailure | undefined
  status: number | undefined
  body: string | undefined
  retryable: boolean
  /** The receiver's `Retry-After`, ms. */
  retryAfter: number | undefined
  /** ms. */
  duration: number
  /** The URL that gave the answer, when a redirect was followed. */
  redirectedTo: string | undefined
}

export async function runAttempt(
  transport: WebHookTransport,
  job: Job,
  timeout: number,
  safeUrls: SafeUrlPolicy | undefined,
  connectTimeCheck: boolean
): Promise<Attempt> {
  // Only a waited delivery needs aborting mid-flight (its deadline); close() ends the others with the transport.
  const controller = job.resolve === undefined ? undefined : new AbortController()
  job.controller = controller
  const { hook } = job.delivery
  const url = hook.safeUrl
  const started = performance.now()
  let redirectedTo: string | undefined
  // Telemetry (issue 14): the attempt's CLIENT span, its context injected into the request's headers.
  let span: AttemptSpan | undefined
  try {
    let request = buildRequest(job.delivery, timeout, controller?.signal)
    span = hook.telemetry?.startAttempt(job.delivery, job.attempts, request.url, request.headers)
    const check = async (target: string) => {
      if (safeUrls === undefined) return
      // The default transport checks resolved addresses at connect time; IP literals skip that lookup.
      if (connectTimeCheck) safeUrls.checkUrl(target)
      else await safeUrls.assertUrl(target)
    }
    await check(request.url)
    let response = await transport(request)
    // Redirects are followed here, for every transport (redirect.ts), each hop checked like the first.
    const origin = hook.redirects > 0 ? new URL(request.url).origin : ''
    for (let hop = 0; hop < hook.redirects; hop++) {
      const left = Math.max(1, Math.round(timeout - (performance.now() - started)))
      const next = nextHop(request, response, origin, left)
      if (next === undefined) break
      request = next
      redirectedTo = next.url
      await check(next.url)
      response = await transport(next)
    }
    job.redirectedTo = redirectedTo
    if (redirectedTo !== undefined) job.endpoint.redirected(redirectedTo)
    return ended(span, answered(job, response, url, performance.now() - started, redirectedTo))
  } catch (error) {
    job.redirectedTo = redirectedTo
    return ended(span, failed(job, error, url, performance.now() - started, redirectedTo))
  }
}

function ended(span: AttemptSpan | undefined, attempt: Attempt): Attempt {
  span?.end(attempt)
  return attempt
}

function answered(
  job: Job,
  response: WebHookTransportResponse,
  url: string,
  duration: number,
  redirectedTo: string | undefined
): Attempt {
  const { status } = response
  // A receiver or proxy may echo the request's headers back (issue 13): its secrets never reach a kept body.
  const secrets = secretValuesOfHook(job.delivery.hook)
  const body = redactEchoes(response.body, secrets)
  if (status >= 200 && status < 300) {
    return { job, error: undefined, status, body, retryable: false, retryAfter: undefined, duration, redirectedTo }
  }
  const error = new WebHookDeliveryError(
    status === 410 ? 'ERR_WEB_HOOK_DELIVERY_GONE' : 'ERR_WEB_HOOK_DELIVERY_STATUS',
    {
      url,
      status,
      statusText: response.statusText === undefined ? undefined : redactEchoes(response.statusText, secrets),
      body,
    }
  )
  const retryable = isRetryableStatus(status)
  const header: unknown = response.headers['retry-after']
  const retryAfter = retryable ? parseRetryAfter(Array.isArray(header) ? header[0] : (header as string)) : undefined
  return { job, error, status, body, retryable, retryAfter, duration, redirectedTo }
}

function unsafe(error: unknown): WebHookUnsafeUrlError | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (isWebHookError(cause) && cause.code === 'ERR_WEB_HOOK_UNSAFE_URL') return cause as WebHookUnsafeUrlError
  }
  return undefined
}

function isTimeout(error: unknown): boolean {
  const { name, code } = error as { name?: unknown; code?: unknown }
  return (
    name === 'TimeoutError' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ERR_WEB_HOOK_DELIVERY_TIMEOUT'
  )
}

function failed(job: Job, thrown: unknown, url: string, duration: number, redirectedTo: string | undefined): Attempt {
  const refused = unsafe(thrown)
  const base = { job, status: undefined, body: undefined, retryAfter: undefined, duration, redirectedTo }
  if (refused !== undefined) return { ...base, error: refused, retryable: false }
  const cause = thrown instanceof WebHookDeliveryError && thrown.cause !== undefined ? thrown.cause : thrown
  const code = isTimeout(thrown) ? 'ERR_WEB_HOOK_DELIVERY_TIMEOUT' : 'ERR_WEB_HOOK_DELIVERY_NETWORK'
  return { ...base, error: new WebHookDeliveryError(code, { url, cause }), retryable: true }
}
