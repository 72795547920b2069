// The merchant's rental decision, shared by the checkout page (instant feedback) and the edge
// worker (the authoritative answer), so both decide with the same code and configuration.
//
// The package is passed in (`Scorer`) rather than imported, because the page loads it from
// /pkg/ and the worker from its own module list.

/**
 * A verifier for a merchant that accepts snapshots of several models (the demo bureau scores
 * consumers and small-business sellers with different scorecards). Snapshots must be bound to
 * a holder key and presented for the merchant's nonce and audience. Results disclose the band
 * only.
 */
export function createRentalVerifier({ Scorer, jwks, models, policy, audience }) {
  const scorers = models.map((model) => new Scorer({ jwks, model, policy, audience, requireBinding: true }));
  return {
    /** `{ presentation, nonce, context, now? }` → the band-only result; throws `EdgescoreError`. */
    decide(snapshot, { presentation, nonce, context, now }) {
      for (const [index, scorer] of scorers.entries()) {
        try {
          return scorer.score(snapshot, { presentation, nonce, context, now, disclose: 'band' });
        } catch (error) {
          // A snapshot of another schema: try the next model. Its signature was checked
          // before the schema, so nothing unverified picks the model.
          if (error?.code !== 'ERR_SCHEMA_MISMATCH' || index === scorers.length - 1) throw error;
        }
      }
      throw new Error('createRentalVerifier: no models');
    },
  };
}

/** The catalog item with this id, or undefined. */
export function catalogItem(catalog, id) {
  return catalog.items.find((item) => item.id === id);
}

/** The policy's order context for a catalog item: amounts come from the merchant's catalog, never from the client. */
export function orderContext(catalog, item) {
  return { deposit: item.deposit, order_value: item.price, currency: catalog.currency, item: item.id };
}
