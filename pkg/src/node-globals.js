// What the Node.js build takes from Node's own modules rather than from the global object:
// esbuild injects these where the glue and the wrapper name the globals (scripts/pkg-bundle.mjs).
// Test environments that run Node code in a browser-like global object (Jest's jsdom
// environment) leave out TextEncoder and TextDecoder; Node's modules always have them.

export { TextDecoder, TextEncoder } from 'node:util';
