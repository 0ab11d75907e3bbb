import { describe, expect, it } from 'vitest'
import { parseWebHookPayload, WebHookPayloadError } from '../../src/receiver/index.js'
import { post, pre } from './helpers/server.js'

function failure(value: unknown): WebHookPayloadError {
  try {
    parseWebHookPayload(value)
  } catch (error) {
    expect(error).toBeInstanceOf(WebHookPayloadError)
    return error as WebHookPayloadError
  }
  throw new Error('expected parseWebHookPayload to throw')
}

describe('parseWebHookPayload', () => {
  it('accepts XO pre and post payloads and returns them as they are', () => {
    const value = pre()
    expect(parseWebHookPayload(value)).toBe(value)
    expect(parseWebHookPayload(post())).toEqual(post())
    expect(parseWebHookPayload(post({ result: undefined, error: { message: 'no', code: 'E' } })).type).toBe('post')
    expect(parseWebHookPayload(post({ result: null })).type).toBe('post')
    const anonymous = pre({ userId: undefined, userName: undefined })
    expect(parseWebHookPayload(JSON.parse(JSON.stringify(anonymous))).method).toBe('vm.start')
  })

  it.each([
    [null, 'ERR_WEB_HOOK_PAYLOAD_NOT_OBJECT', ''],
    [[pre()], 'ERR_WEB_HOOK_PAYLOAD_NOT_OBJECT', ''],
    ['pre', 'ERR_WEB_HOOK_PAYLOAD_NOT_OBJECT', ''],
    [{ '@type': 'MessageCard', sections: [] }, 'ERR_WEB_HOOK_PAYLOAD_FORMAT', ''],
    [pre({ type: undefined }), 'ERR_WEB_HOOK_PAYLOAD_MISSING', 'type'],
    [pre({ type: 'during' }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'type'],
    [pre({ callId: undefined }), 'ERR_WEB_HOOK_PAYLOAD_MISSING', 'callId'],
    [pre({ callId: 7 }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'callId'],
    [pre({ method: '' }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'method'],
    [pre({ params: undefined }), 'ERR_WEB_HOOK_PAYLOAD_MISSING', 'params'],
    [pre({ timestamp: '0' }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'timestamp'],
    [pre({ timestamp: -1 }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'timestamp'],
    [pre({ userName: 42 }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'userName'],
    [post({ duration: undefined }), 'ERR_WEB_HOOK_PAYLOAD_MISSING', 'duration'],
    [post({ duration: 'fast' }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'duration'],
    [post({ result: undefined }), 'ERR_WEB_HOOK_PAYLOAD_MISSING', 'result'],
    [post({ error: { message: 'x' } }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'error'],
    [post({ result: undefined, error: 'boom' }), 'ERR_WEB_HOOK_PAYLOAD_NOT_OBJECT', 'error'],
    [post({ result: undefined, error: { message: 1 } }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'error.message'],
    [post({ result: undefined, error: { code: {} } }), 'ERR_WEB_HOOK_PAYLOAD_INVALID', 'error.code'],
  ])('rejects %j with %s at path %j', (value, code, path) => {
    const error = failure(value)
    expect(error.code).toBe(code)
    expect(error.path).toBe(path)
    expect(error.name).toBe('WebHookPayloadError')
    if (path !== '') expect(error.message.startsWith(`${path}: `)).toBe(true)
  })

  it('does not echo long string values in its messages', () => {
    const error = failure(pre({ callId: 1, type: 'x'.repeat(500) }))
    expect(error.message).toContain('a string of 500 characters')
  })
})
