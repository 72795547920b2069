// Everything the package exports but `init` and `initSync`, which each entry point defines for
// its runtime (browser.js, node.js, workerd.js).

export { EdgescoreError, ERROR_CODES } from './errors.js';
export { createLocalKeySet, createRemoteKeySet } from './keysets.js';
export { DEFAULT_POLICY, DIMENSIONS, Scorer } from './scorer.js';
export { disclosableNames, disclosuresFor, Holder, newNonce } from './holder.js';
export { verifyReceipt, verifyReceiptAsync } from './receipts.js';
