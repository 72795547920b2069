// The same gate on jose (workerd's Web Crypto) and the plain JavaScript scorecard: the same
// checks as edgescore makes for these presentations (pkg/bench/baseline.mjs).
import * as jose from '../../../node_modules/jose/dist/webapi/index.js';
import { createBaselines } from '../baseline.mjs';

let baselines;
const context = { deposit: 39900 };

export default {
  async fetch(request, env) {
    baselines ??= await createBaselines({
      jose, jwks: env.JWKS, model: env.MODEL, policy: env.POLICY, audience: env.AUDIENCE, now: Number(env.NOW),
    });
    const { presentation, nonce } = await request.json();
    try {
      return Response.json(await baselines.jose(presentation, nonce, context));
    } catch (error) {
      return Response.json({ error: { message: error.message } }, { status: 403 });
    }
  },
};
