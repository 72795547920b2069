// CommonJS (a .cts file under module nodenext): `require` resolves the package's .d.cts.
import edgescore = require('edgescore');
import demo = require('edgescore/demo');
import wasmPath = require('edgescore/edgescore_core_bg.wasm');

edgescore.initSync();
const scorer = new edgescore.Scorer({ jwks: demo.DEMO_JWKS, model: demo.DEMO_CONSUMER_MODEL, audience: 'https://rentals.example' });
const result: edgescore.FullResult = scorer.score('eyJ…', { disclose: 'full' });
const failure = new edgescore.EdgescoreError('ERR_CONFIG_INVALID', 'message');
const merchant = new edgescore.Scorer({ jwks: demo.DEMO_JWKS, model: demo.DEMO_CONSUMER_MODEL, audience: 'https://rentals.example', receiptKey: '{"kty":"OKP"}' });
const signed: edgescore.BandOnlyResult & edgescore.WithReceipt = merchant.score('eyJ…', { receipt: { id: 'd-1' } });
const receipt: edgescore.Receipt = edgescore.verifyReceipt(signed.receipt, { keys: '{"keys":[]}', issuer: 'https://rentals.example' }).receipt;
const merchantKeys: edgescore.KeySet = edgescore.createRemoteKeySet('https://rentals.example/.well-known/receipt-keys.json');
const fetched: Promise<edgescore.VerifiedReceipt> = edgescore.verifyReceiptAsync(signed.receipt, { keys: merchantKeys });
const path: string = wasmPath;
export = { result, failure, receipt, fetched, path };
