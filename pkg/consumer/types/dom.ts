// With the DOM library (a browser program, moduleResolution bundler): the platform's URL,
// Response, fetch and WebAssembly.Module are what init and the key sets take, and jose's
// JSONWebKeySet is a JWKS.
import { createLocalKeySet, createRemoteKeySet, init, initSync, Scorer, type Jwks } from 'edgescore';
import { exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import { DEMO_CONSUMER_MODEL } from 'edgescore/demo';
import wasmPath from 'edgescore/edgescore_core_bg.wasm';

await init(new URL('./edgescore_core_bg.wasm', import.meta.url));
await init(new URL(wasmPath, import.meta.url));
await init(fetch('/edgescore_core_bg.wasm'));
await init(await fetch('/edgescore_core_bg.wasm'));
await init('/edgescore_core_bg.wasm');
const module: WebAssembly.Module = await WebAssembly.compile(new Uint8Array(8));
initSync(module);
initSync({ module });
await init(module);

const keys = createRemoteKeySet(new URL('https://bureau.example/.well-known/jwks.json'), { fetch: (url, options) => fetch(url, options) });
const scorer = new Scorer({ jwks: keys, model: DEMO_CONSUMER_MODEL });
export const result = await scorer.scoreAsync('eyJ…');

const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
const fromJose: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] };
const jwks: Jwks = fromJose;
export const keySet = createLocalKeySet(fromJose);
export const scorerOfJose = new Scorer({ jwks: fromJose, model: DEMO_CONSUMER_MODEL });
export { jwks };
