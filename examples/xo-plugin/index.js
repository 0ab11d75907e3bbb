// xo-server loads plugins as CommonJS and reads `default` (the factory), `configurationSchema` and `testSchema`:
// rpc-web-hooks/xo exports exactly those. See docs/xo-plugin.md.
module.exports = require('rpc-web-hooks/xo')
