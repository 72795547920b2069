// What the cold-start measurements share (pkg/bench/cold-start.mjs in Node,
// pkg/bench/cold-start.html in Chromium): a clock that times each stage from the end of the one
// before, and the stages after the module is compiled, the same in both.

/** `{ stages, mark(name), total() }`: `mark` records the time since the last mark (or the start). */
export function stageClock() {
  const stages = {};
  const started = performance.now();
  let last = started;
  return {
    stages,
    mark(name) {
      const now = performance.now();
      stages[name] = now - last;
      last = now;
    },
    total: () => performance.now() - started,
  };
}

/**
 * From a compiled module to the first result, as a merchant's page gets there: instantiate it,
 * build a scorer (issuer keys, the signed model verified, the policy), add the status list,
 * score the presentation the wallet made beforehand. Returns the result.
 */
export function instantiateAndScore(pkg, module, material, mark) {
  pkg.initSync(module);
  mark('instantiate');
  const scorer = new pkg.Scorer({ jwks: material.jwks, model: material.model, audience: material.audience });
  mark('scorer');
  scorer.addStatusList(material.statusList, { now: material.now });
  mark('statusList');
  const result = scorer.score(material.presentation, { now: material.now, nonce: material.nonce });
  mark('firstScore');
  return result;
}
