// Cold start in a fresh Node process: import the package, load the module, build a scorer and
// score one presentation. Prints the milliseconds from just before the import to the result.
const [material] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const demo = JSON.parse(readFileSync(material, 'utf8'));
const started = performance.now();
const { init, Holder, Scorer } = await import('edgescore');
await init();
const scorer = new Scorer({ jwks: demo.jwks, model: demo.models.consumer, audience: demo.audience });
const lin = demo.people.lin;
const presentation = Holder.fromPrivateJwk(lin.holder).presentAll(lin.snapshot, { nonce: 'n', aud: demo.audience, now: demo.now });
scorer.score(presentation, { now: demo.now, nonce: 'n' });
console.log((performance.now() - started).toFixed(2));
