// The rentals gate on Cloudflare Workers (www/wrangler.jsonc): the same worker as in workerd,
// with what workerd's config embeds as bindings (the signed models, the policy, the catalog and
// the issuer's deployed key set) bundled as modules instead; any binding of the same name set
// on the deployment (a var) takes precedence. The Durable Object class that keeps the nonces is
// exported from here, as Workers requires of the main module.
import consumerModel from '../models/rentals-express.model.jws';
import catalog from '../checkout/catalog.json';
import deployedJwks from '../../src/assets/demo/issuer.jwks.json';
import sellerModel from '../../src/assets/models/seller.model.jws';
import policy from '../../src/assets/policy/deposit-free-rentals.json';
import gate from './gate.mjs';

export { NonceShard } from './gate.mjs';

const BUNDLED = { CONSUMER_MODEL: consumerModel, SELLER_MODEL: sellerModel, POLICY: policy, CATALOG: catalog, JWKS: deployedJwks };

export default {
  fetch(request, env, ctx) {
    return gate.fetch(request, { ...BUNDLED, ...env }, ctx);
  },
};
