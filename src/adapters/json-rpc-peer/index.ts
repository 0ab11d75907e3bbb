/**
 * `rpc-web-hooks/json-rpc-peer`: web hooks for a `Peer` of the npm package `json-rpc-peer` (Xen Orchestra's own
 * JSON-RPC transport; an optional peer dependency: install it yourself).
 *
 * @packageDocumentation
 */
export { WEB_HOOK_VETO_ERROR_CODE, webHooksPeer } from './peer.js'
export type { PeerHandler, PeerMessage, WebHooksPeer, WebHooksPeerOptions } from './peer.js'
