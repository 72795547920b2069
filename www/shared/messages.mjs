// The postMessage exchange between a checkout and the wallet it opens (same origin; each side
// checks event.origin and event.source):
//   wallet → checkout  ready
//   checkout → wallet  request       { request, merchant, purpose }   (request: the edge worker's
//                                     presentation request, as GET /nonce answers it)
//   wallet → checkout  presentation  { presentation }   or   declined
export const MESSAGE = Object.freeze({
  ready: 'edgescore-wallet:ready',
  request: 'edgescore-wallet:request',
  presentation: 'edgescore-wallet:presentation',
  declined: 'edgescore-wallet:declined',
});
