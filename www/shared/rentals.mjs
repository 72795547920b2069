// The merchant's rental decision, shared by the checkout page (instant feedback) and the edge
// worker (the authoritative answer), so both decide with the same code and configuration.
//
// The package is passed in (`Scorer`) rather than imported, because the page loads it from
// /pkg/ and the worker from its own module list.

/**
 * A verifier for a merchant that accepts snapshots of several feature schemas (the rentals
 * merchant scores consumers with its own six-feature model and small-business sellers with the
 * bureau's seller model). Snapshots must be bound to a holder key and presented for the
 * merchant's nonce and audience, with exactly the features the model reads disclosed. Results
 * disclose the band only. `modelJwks` verifies the models when they are signed by other keys
 * than the snapshots (the worker's models are deployed with it, its snapshot keys fetched);
 * with `receiptKey` (the merchant's private JWK) `decide` can sign a receipt of the decision.
 */
export function createRentalVerifier({ Scorer, jwks, modelJwks, models, policy, audience, receiptKey }) {
  const scorers = models.map((model) => new Scorer({ jwks, modelJwks, model, policy, audience, requireBinding: true, receiptKey }));
  return {
    /**
     * The presentation request for `nonce`: the first model's features, with the other models'
     * as alternatives (a holder discloses the entry that fits their snapshot).
     */
    request(nonce, expiresAt) {
      const [first, ...others] = scorers.map((scorer) => scorer.presentationRequest({ nonce, expiresAt }));
      return others.length === 0 ? first : { ...first, alternatives: others.map(({ features, model }) => ({ features, model })) };
    },

    /** Holds a status list token in every scorer (`{ uri, iat, exp, ttl, bits, size }`). */
    addStatusList(token, now) {
      let info;
      for (const scorer of scorers) info = scorer.addStatusList(token, { now });
      return info;
    },

    /** `addStatusList`, with a remote key set's keys fetched first when none are held. */
    async addStatusListAsync(token, now) {
      let info;
      for (const scorer of scorers) info = await scorer.addStatusListAsync(token, { now });
      return info;
    },

    /**
     * `{ nonce, context, now?, receipt? }` → the band-only result (with `receipt`, the signed
     * receipt for `receipt: { id, order? }`); throws `EdgescoreError`. With a remote key set it
     * uses the keys held (`decideAsync` fetches them).
     */
    decide(presentation, options) {
      return firstSchema(scorers, (scorer) => scorer.score(presentation, scoreOptions(options)));
    },

    /**
     * `decide`, with a remote key set's keys fetched when none are held or they are stale, and
     * again when the snapshot names a key the set does not hold (the Scorer's `scoreAsync`).
     */
    async decideAsync(presentation, options) {
      for (const [index, scorer] of scorers.entries()) {
        try {
          return await scorer.scoreAsync(presentation, scoreOptions(options));
        } catch (error) {
          if (!otherSchema(error, index, scorers)) throw error;
        }
      }
      throw new Error('createRentalVerifier: no models');
    },
  };
}

const scoreOptions = ({ nonce, context, now, receipt }) => ({ nonce, context, now, disclose: 'band', ...(receipt === undefined ? {} : { receipt }) });

/**
 * A snapshot of another schema than this scorer's model: the caller tries the next model. Its
 * signature was checked before the schema, so nothing unverified picks the model.
 */
const otherSchema = (error, index, scorers) => error?.code === 'ERR_SCHEMA_MISMATCH' && index < scorers.length - 1;

/** `score(scorer)` with the first scorer whose model fits the snapshot's schema. */
function firstSchema(scorers, score) {
  for (const [index, scorer] of scorers.entries()) {
    try {
      return score(scorer);
    } catch (error) {
      if (!otherSchema(error, index, scorers)) throw error;
    }
  }
  throw new Error('createRentalVerifier: no models');
}

/** The catalog item with this id, or undefined. */
export function catalogItem(catalog, id) {
  return catalog.items.find((item) => item.id === id);
}

/** The policy's order context for a catalog item: amounts come from the merchant's catalog, never from the client. */
export function orderContext(catalog, item) {
  return { deposit: item.deposit, order_value: item.price, currency: catalog.currency, item: item.id };
}
