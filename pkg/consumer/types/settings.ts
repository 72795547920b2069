// Type-checked by pkg/consumer/consumer.test.mjs under settings other than program.mts's
// nodenext: `module: commonjs` with node10 resolution (which reads no `exports`), bundler
// resolution, `module: preserve` with `verbatimModuleSyntax`; lib ES2020, skipLibCheck off.
// Each subpath is imported, and what must not type-check is marked with @ts-expect-error.
import { EdgescoreError, initSync, Scorer, type BandOnlyResult, type ErrorCode, type FullResult } from 'edgescore';
import { DEMO_CONSUMER_MODEL, DEMO_JWKS } from 'edgescore/demo';
import wasmPath from 'edgescore/edgescore_core_bg.wasm';

initSync();
const scorer = new Scorer({ jwks: DEMO_JWKS, model: DEMO_CONSUMER_MODEL, audience: 'https://rentals.example' });
const full: FullResult = scorer.score('eyJ…', { disclose: 'full' });
const band: BandOnlyResult = scorer.score('eyJ…');
// @ts-expect-error the default disclosure is the band only
const wrong: FullResult = scorer.score('eyJ…');
const code: ErrorCode = new EdgescoreError('ERR_CONFIG_INVALID', 'message').code;
// @ts-expect-error not one of the package's codes
const unknown: ErrorCode = 'ERR_NOT_A_CODE';
const path: string = wasmPath;

export { band, code, full, path, unknown, wrong };
