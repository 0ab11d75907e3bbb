/** htm bound to Preact: tagged-template views, no JSX build step. */
export { html } from 'htm/preact'
