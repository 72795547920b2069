// The benchmark's gate on edgescore in workerd: a presentation and its nonce posted as JSON,
// verified, scored and decided by the package, the result returned as JSON. Configuration from
// bindings (JWKS, MODEL, POLICY, AUDIENCE, NOW: the workload's fixed clock).
import { initSync, Scorer } from 'edgescore';

initSync();

let scorer;
const context = { deposit: 39900 };

export default {
  async fetch(request, env) {
    scorer ??= new Scorer({ jwks: env.JWKS, model: env.MODEL, policy: env.POLICY, audience: env.AUDIENCE });
    const { presentation, nonce } = await request.json();
    try {
      return Response.json(scorer.score(presentation, { now: Number(env.NOW), nonce, context }));
    } catch (error) {
      return Response.json({ error: { code: error.code, message: error.message } }, { status: 403 });
    }
  },
};
