/**
 * Xen Orchestra's test sample: what the web-hooks plugin's `test()` sends (../shared/reference/xo-web-hooks.md, "Test"),
 * in XO's key order (an office365 card lists its facts in that order). Used by `.webHooks.test()` and
 * `rpc-web-hooks test`.
 */
export function xoTestSample(method: string) {
  return {
    callId: '0',
    userId: 'b4tm4n',
    userName: 'bruce.wayne@waynecorp.com',
    method,
    params: { id: '67aac198-0174-11ea-8d71-362b9e155667' },
    timestamp: 0,
  }
}
