/**
 * `rpc-web-hooks/dashboard`: a delivery dashboard to mount in your server (docs/dashboard.md).
 *
 * @packageDocumentation
 */
export { createDashboard } from './create-dashboard.js'
export type { WebHookDashboard, WebHookDashboardAuthorizeState, WebHookDashboardOptions } from './types.js'
export { WebHookDashboardError } from '../errors/dashboard-error.js'
export type { WebHookDashboardErrorCode } from '../errors/dashboard-error.js'
