/**
 * Structure checks run by CI (`npm run check:structure`): no import cycle in src/, and the receiver entry loads
 * nothing of the sender (it may import its own folder, the error classes, payload types, the method-pattern module,
 * the validation toolkit and the signing primitives).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle in src/: move the shared type or function to the lower module (docs/architecture.md).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'receiver-loads-no-sender-code',
      severity: 'error',
      comment:
        'rpc-web-hooks/receiver must not load sender code (ky, undici, the engine): import only src/receiver, src/errors, src/payload/types, src/patterns, src/validation, src/telemetry/{receiver,types} and src/security/{sign,secret}.',
      from: { path: '^src/receiver/' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/receiver/',
          '^src/errors/',
          '^src/payload/types[.]ts$',
          '^src/patterns/',
          '^src/validation/',
          '^src/security/(sign|secret)[.]ts$',
          // The receiver's telemetry: pure modules on the optional @opentelemetry/api (issue 14), no sender code.
          '^src/telemetry/(receiver|types)[.]ts$',
        ],
      },
    },
    {
      name: 'receiver-loads-no-sender-packages',
      severity: 'error',
      comment: 'rpc-web-hooks/receiver uses only the Node.js and web standard libraries.',
      from: { path: '^src/receiver/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
}
