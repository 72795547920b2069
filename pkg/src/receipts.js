// Decision receipts: what a merchant signs with each decision (`Scorer`'s `receiptKey` and
// `score`'s `receipt` option) and reads back here.

import { verifyReceipt as bindingsVerifyReceipt } from '../wasm/edgescore_core.js';
import { configError } from './errors.js';
import { KEY_SET, keySetOf, withFreshKeys } from './keysets.js';
import { fromEnvelope, guarded } from './module.js';
import { epochSeconds, optionalSeconds, optionalText, text } from './options.js';

/**
 * A receipt's verification after checking the arguments: `{ keySet, verify }`, `verify`
 * checking it with the keys the set holds.
 */
function receiptVerification(token, options) {
  text(token, 'receipt');
  if (options === null || typeof options !== 'object') throw configError('verifyReceipt options must be an object');
  const { keys, issuer, now, leewaySeconds = 60 } = options;
  const keySet = keySetOf(keys, 'keys', 'the merchant\'s');
  const at = epochSeconds(now);
  optionalSeconds(leewaySeconds, 'leewaySeconds');
  const expected = optionalText(issuer, 'issuer');
  const verify = () => {
    const held = keySet[KEY_SET].current();
    if (!held) throw configError('the remote key set has not been fetched yet: use verifyReceiptAsync(), or `await keys.reload()` first');
    return fromEnvelope(guarded(() => bindingsVerifyReceipt(token, held.text, expected, at, leewaySeconds)));
  };
  return { keySet, verify };
}

/**
 * Verifies a merchant's decision receipt (`edgescore-receipt+jwt`) with the merchant's public
 * keys `keys`: a JWKS (object or JSON text), whose keys edgescore cannot use are skipped as a
 * Scorer's `jwks` skips them, or a key set (`createLocalKeySet`; a remote one's keys as held:
 * see `verifyReceiptAsync`). Options: `issuer` (the merchant it must be from), `now` (a receipt
 * issued later, beyond `leewaySeconds`, default 60, is refused). Returns `{ kid, receipt }`,
 * `receipt` being what it records; throws `EdgescoreError`.
 */
export function verifyReceipt(token, options = {}) {
  return receiptVerification(token, options).verify();
}

/**
 * As `verifyReceipt`, with a remote key set's keys fetched when none are held or they are
 * older than its `cacheMaxAge`, and fetched again (unless cooling down) when the receipt names
 * a `kid` the set does not hold.
 */
export async function verifyReceiptAsync(token, options = {}) {
  const { keySet, verify } = receiptVerification(token, options);
  return withFreshKeys([keySet], verify);
}
