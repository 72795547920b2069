// Type-checked by pkg/consumer/consumer.test.mjs against the installed package (strict,
// exactOptionalPropertyTypes, module nodenext, lib es2022 only, no @types/node): every export of
// `edgescore` and `edgescore/demo` used as the docs show, and what must not type-check marked
// with @ts-expect-error (an expectation that stops failing fails the check).
import {
  createLocalKeySet,
  createRemoteKeySet,
  DEFAULT_POLICY,
  DIMENSIONS,
  disclosableNames,
  disclosuresFor,
  EdgescoreError,
  ERROR_CODES,
  Holder,
  init,
  initSync,
  newNonce,
  Scorer,
  verifyReceipt,
  verifyReceiptAsync,
  type BandOnlyResult,
  type BatchEntry,
  type ClaimReason,
  type ErrorCode,
  type FullResult,
  type Jwks,
  type ModelInfo,
  type OrderContext,
  type Policy,
  type PresentationRequest,
  type PrivateJwk,
  type PublicJwk,
  type Receipt,
  type ReceiptRequest,
  type RemoteKeySet,
  type ScoreResult,
  type SkippedKey,
  type StatusListInfo,
  type VerifiedReceipt,
  type VerifyReceiptOptions,
  type WithReceipt,
} from 'edgescore';
import { DEMO_CONSUMER_MODEL, DEMO_ISSUER, DEMO_JWKS, DEMO_SELLER_MODEL } from 'edgescore/demo';

await init();
await init(new Uint8Array([0, 97, 115, 109]));
initSync();
initSync(new ArrayBuffer(8));
// @ts-expect-error: a number is no module
await init(42);

// A JWKS as a plain object literal, with a key edgescore cannot use, and jose's JWKS shape.
const jwks = {
  keys: [
    { kty: 'OKP', crv: 'Ed25519', x: 'qdY5CnEAOHNCighrzPNDKUyeq3gLyps18xjWFokyHLc', kid: 'k1', use: 'sig', alg: 'EdDSA' },
    { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'r1' },
  ],
};
interface JoseJwk { kty?: string; crv?: string; x?: string; kid?: string; alg?: string; use?: string; key_ops?: string[]; [name: string]: unknown }
const fromJose: { keys: JoseJwk[] } = jwks;
const local = createLocalKeySet(jwks);
const local2 = createLocalKeySet(fromJose);
const local3 = createLocalKeySet(JSON.stringify(jwks));
const skipped: readonly SkippedKey[] = local.skipped;
const kept: readonly PublicJwk[] = local2.keys;
const asJwks: Jwks = local3.jwks();
const remote: RemoteKeySet = createRemoteKeySet('https://bureau.example/.well-known/jwks.json', {
  cacheMaxAge: 600_000,
  cooldownDuration: 30_000,
  timeoutDuration: 5_000,
  headers: { accept: 'application/json' },
  fetch: async (url: string) => ({ status: 200, headers: { get: () => null }, text: async () => url }),
});
await remote.reload();
const fresh: boolean = remote.fresh && !remote.coolingDown && !remote.reloading;
const remoteJwks: Jwks | undefined = remote.jwks();
// @ts-expect-error: jose's `cooldownDuration`, not `cooldown`
createRemoteKeySet('https://bureau.example/jwks', { cooldown: 30 });

const policy: Policy = {
  format_version: 2,
  id: 'small-deposits',
  currency: 'CNY',
  rules: [{ id: 'good', bands: ['good', 'very_good', 'excellent'], max_deposit: 50_000, decision: 'deposit_free' }],
  otherwise: 'deposit_required',
  status: { unavailable: 'refer', max_age_seconds: 86_400 },
};
// @ts-expect-error: not a decision
const badPolicy: Policy = { ...policy, otherwise: 'maybe' };
const defaultPolicy: Readonly<Policy> = DEFAULT_POLICY;

const scorer = new Scorer({
  jwks: local,
  model: DEMO_CONSUMER_MODEL,
  modelJwks: DEMO_JWKS,
  policy,
  audience: ['https://rentals.example', 'https://www.rentals.example'],
  issuer: DEMO_ISSUER,
  clockTolerance: '30s',
  maxTokenAge: '31 days',
  requireBinding: true,
  presentationMaxAgeSeconds: 300,
  statusLists: [],
  typ: 'dc+sd-jwt',
});
new Scorer({ jwks: JSON.stringify(DEMO_JWKS), model: DEMO_SELLER_MODEL, issuers: [DEMO_ISSUER], leewaySeconds: 60, maxAgeSeconds: null });
new Scorer({ jwks: remote, model: DEMO_CONSUMER_MODEL, policy: JSON.stringify(policy), audience: undefined });
// @ts-expect-error: the model is required
new Scorer({ jwks });
// @ts-expect-error: jose's `algorithms` has no meaning here
new Scorer({ jwks, model: DEMO_CONSUMER_MODEL, algorithms: ['EdDSA'] });
const ready: Scorer = await scorer.ready();

const request: PresentationRequest = scorer.presentationRequest({ nonce: newNonce(), expiresAt: 1_790_000_120 });
const holder = Holder.generate();
const restored = Holder.fromPrivateJwk(holder.toPrivateJwk());
const privateJwk: PrivateJwk = restored.toPrivateJwk();
const publicJwk: PublicJwk = holder.publicJwk();
const snapshot = 'eyJ…~';
const names: string[] = disclosableNames(snapshot);
const shown: string[] = disclosuresFor(snapshot, request).features;
const presentation: string = holder.present(snapshot, request, { now: 1_790_000_000 });
const own: string = holder.presentAll(snapshot, { nonce: request.nonce, aud: request.aud });

const context: OrderContext = { deposit: 39_900, order_value: null, currency: 'CNY', item: 'e-bike' };
const band: BandOnlyResult = scorer.score(presentation, { nonce: request.nonce, context });
const decision: 'deposit_free' | 'reduced_deposit' | 'deposit_required' | 'refer' = band.decision;
const sub: string = band.claims.sub;
const jkt: string | undefined = band.claims.cnf?.jkt;
// @ts-expect-error: a band result has no score
band.score.toFixed();
const full: FullResult = scorer.score(presentation, { nonce: request.nonce, disclose: 'full' });
const score: number = full.score;
const credit: number | null = full.dimensions.credit_history;
const reasonCodes: string[] = full.reasons.map((reason) => reason.code);
const either: ScoreResult = scorer.score(presentation, { disclose: Math.random() > 0.5 ? 'full' : 'band' });
if (either.disclosure === 'full') either.score.toFixed();
const later: FullResult = await scorer.scoreAsync(presentation, { nonce: request.nonce, disclose: 'full', now: undefined });
const batch: BatchEntry<FullResult>[] = scorer.scoreBatch([{ presentation, nonce: request.nonce, context }], { disclose: 'full' });
for (const entry of batch) {
  if (entry.ok) entry.result.score.toFixed();
  else entry.error.code satisfies ErrorCode;
}
const list: StatusListInfo = scorer.addStatusList('eyJ…', { now: 1_790_000_000 });
const listLater: StatusListInfo = await scorer.addStatusListAsync('eyJ…');
const info: ModelInfo = scorer.modelInfo();
const dimensionNames: string[] = DIMENSIONS.map((dimension) => dimension.label.en);

try {
  scorer.score(presentation);
} catch (error) {
  if (error instanceof EdgescoreError) {
    const code: ErrorCode = error.code;
    const claim: string | undefined = error.claim;
    const reason: ClaimReason | undefined = error.reason;
    const message: string = error.message;
  }
}
// Decision receipts: the merchant's key signs one per decision; verifyReceipt reads it back.
const merchantKey: PrivateJwk = { kty: 'OKP', crv: 'Ed25519', x: 'merchant public key…', d: 'merchant private key…', kid: 'merchant-1' };
const signing = new Scorer({ jwks: DEMO_JWKS, model: DEMO_CONSUMER_MODEL, audience: 'https://rentals.example', receiptKey: merchantKey });
new Scorer({ jwks: DEMO_JWKS, model: DEMO_CONSUMER_MODEL, receiptKey: JSON.stringify(merchantKey) });
const ask: ReceiptRequest = { id: 'd-1', order: 'A-1042' };
const signed: BandOnlyResult & WithReceipt = signing.score(presentation, { nonce: request.nonce, context, receipt: ask });
const receiptToken: string = signed.receipt;
const signedFull: FullResult & WithReceipt = await signing.scoreAsync(presentation, { disclose: 'full', receipt: { id: 'd-2', order: undefined } });
const signedScore: number = signedFull.score;
// @ts-expect-error: a result scored without the receipt option may have none
const noReceipt: string = signing.score(presentation, { nonce: request.nonce }).receipt;
// @ts-expect-error: the decision id is required
signing.score(presentation, { receipt: { order: 'A-1042' } });
const receiptOptions: VerifyReceiptOptions = { keys: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'merchant public key…', kid: 'merchant-1' }] }, issuer: 'https://rentals.example', now: 1_790_000_000, leewaySeconds: 60 };
const verifiedReceipt: VerifiedReceipt = verifyReceipt(receiptToken, receiptOptions);
const receipt: Receipt = verifyReceipt(receiptToken, { keys: JSON.stringify(jwks), now: undefined }).receipt;
const recorded: 'deposit_free' | 'reduced_deposit' | 'deposit_required' | 'refer' = receipt.decision;
const jtiHash: string | undefined = receipt.snapshot.jti_hash;
// The merchant's keys as a Scorer takes the issuer's: a key set, local or remote (fetched by verifyReceiptAsync).
const merchantKeys = createLocalKeySet({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'merchant public key…', kid: 'merchant-1' }, { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'r1' }] });
const fromKeySet: VerifiedReceipt = verifyReceipt(receiptToken, { keys: merchantKeys, issuer: 'https://rentals.example' });
const merchantRemote: RemoteKeySet = createRemoteKeySet('https://rentals.example/.well-known/receipt-keys.json', { cooldownDuration: 0 });
const fetchedReceipt: VerifiedReceipt = await verifyReceiptAsync(receiptToken, { keys: merchantRemote, now: 1_790_000_000 });
const receiptLater: Promise<VerifiedReceipt> = verifyReceiptAsync(receiptToken, receiptOptions);
// @ts-expect-error: the merchant's keys are required
verifyReceipt(receiptToken, { issuer: 'https://rentals.example' });
// @ts-expect-error: a number is no key set
verifyReceiptAsync(receiptToken, { keys: 42 });

const text: string = String(Math.random());
if (ERROR_CODES.includes(text)) {
  const known: ErrorCode = text;
}
// @ts-expect-error: not an error code
const unknownCode: ErrorCode = 'ERR_NOPE';

export {
  skipped, kept, asJwks, fresh, remoteJwks, badPolicy, defaultPolicy, ready, privateJwk, publicJwk, names, shown, own,
  decision, sub, jkt, score, credit, reasonCodes, later, list, listLater, info, dimensionNames, unknownCode,
  signedScore, noReceipt, verifiedReceipt, recorded, jtiHash, fromKeySet, fetchedReceipt, receiptLater,
};
