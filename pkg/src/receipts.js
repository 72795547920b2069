// Decision receipts: what a merchant signs with each decision (`Scorer`'s `receiptKey` and
// `score`'s `receipt` option) and reads back here.

import { verifyReceipt as bindingsVerifyReceipt } from '../wasm/edgescore_core.js';
import { configError } from './errors.js';
import { fromEnvelope, guarded } from './module.js';
import { epochSeconds, optionalDocument, optionalSeconds, optionalText, text } from './options.js';

/**
 * Verifies a merchant's decision receipt (`edgescore-receipt+jwt`) with the merchant's public
 * keys `keys` (a JWKS, object or JSON text). Options: `issuer` (the merchant it must be from),
 * `now` (a receipt issued later, beyond `leewaySeconds`, default 60, is refused). Returns
 * `{ kid, receipt }`, `receipt` being what it records; throws `EdgescoreError`.
 */
export function verifyReceipt(token, { keys, issuer, now, leewaySeconds = 60 } = {}) {
  text(token, 'receipt');
  const jwks = optionalDocument(keys, 'keys');
  if (jwks === undefined) throw configError('"keys" (the merchant\'s public key set) is required');
  const at = epochSeconds(now);
  optionalSeconds(leewaySeconds, 'leewaySeconds');
  const expected = optionalText(issuer, 'issuer');
  return fromEnvelope(guarded(() => bindingsVerifyReceipt(token, jwks, expected, at, leewaySeconds)));
}
