// The gate against what an outside tester tries that the other files do not: bodies whose
// members mean two things, bodies that never finish or break their framing, request shapes
// (content types, paths, methods), presentation games (key-binding algorithms, repeated or
// borrowed disclosures, another audience), receipts with awkward order references, and the
// configuration a merchant could get wrong (CORS origins). Every answer is JSON with the gate's
// headers and a code from the one list, never a 500, and nothing the client sends ends up as an
// unexpected error in the gate's log. workerd with www/test/fleet.capnp on 127.0.0.1; each call
// is its own client.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { verifyReceipt } from '../../pkg/dist/edgescore.mjs';
import { cli, ROOT } from '../../pkg/test/helpers.mjs';
import { Cors } from '../worker/http.mjs';
import { assertGateAnswer, AUDIENCE, CLIENT_HEADER, gateBody, getRequest, newClient, postGate, present, startDemo } from './helpers.mjs';

const BODY_TIMEOUT_SECONDS = 1;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let demo;
let url;

before(async () => {
  demo = await startDemo({ fleet: true, env: { EDGESCORE_BODY_TIMEOUT_SECONDS: String(BODY_TIMEOUT_SECONDS) } });
  url = demo.url;
});

after(async () => {
  await demo?.stop();
});

const body = (person = demo.people.lin, item = 'e-bike') => gateBody(url, person, item, { client: newClient() });
const post = (payload, options = {}) => postGate(url, payload, { client: newClient(), ...options });

/** The gate's log: nothing a client sends may end up there as an unexpected error. */
const unexpectedErrors = () => demo.site.output().split('\n').filter((line) => line.includes('gate: unexpected error'));

/**
 * Writes `head` (the request line and headers, `\r\n`-separated, without the blank line) and
 * `parts` of a body to a raw socket, `pauseMs` between parts; resolves to the answer's status,
 * headers and body, `{ status: 0 }` when the connection closes with no answer, or after
 * `timeoutMs`.
 */
function rawExchange(head, parts = [], { pauseMs = 0, timeoutMs = 8000, hangUpAfter = false } = {}) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const [headText = '', ...rest] = received.split('\r\n\r\n');
      const [statusLine, ...headerLines] = headText.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine?.split(' ')[1] ?? 0) || 0, headers, body: rest.join('\r\n\r\n') });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => {
      received += chunk;
      // One answer is enough: stop once its declared length (or its last chunk) is in.
      const length = /\r\ncontent-length: *(\d+)/i.exec(received);
      const [headText, ...rest] = received.split('\r\n\r\n');
      if (length !== null && rest.join('\r\n\r\n').length >= Number(length[1]) && headText.length > 0) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
    socket.on('connect', async () => {
      socket.write(`${head}\r\n\r\n`);
      for (const part of parts) {
        if (pauseMs > 0) await sleep(pauseMs);
        if (socket.destroyed) return;
        socket.write(part);
      }
      if (hangUpAfter) socket.destroy();
    });
  });
}

const postHead = (extra = []) => ['POST /rentals/gate HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json', `${CLIENT_HEADER}: ${newClient()}`, ...extra].join('\r\n');

describe('a member twice: refused, as edgescore\'s own JSON refuses it', () => {
  test('duplicate names, plain or escaped, at any level: 400 ERR_MALFORMED, and the nonce is left alone', async () => {
    const valid = await body(demo.people.liu);
    const text = JSON.stringify(valid);
    const cases = [
      // JSON.parse keeps the last: a front end or log reading the first sees a power bank.
      ['the item twice', text.replace('"order":{"item":"e-bike"}', '"order":{"item":"power-bank","item":"e-bike"}')],
      ['the nonce twice', `${text.slice(0, -1)},"nonce":${JSON.stringify(valid.nonce)}}`],
      ['the order twice', `${text.slice(0, -1)},"order":{"item":"car"}}`],
      ['a name escaped', text.replace('"order":{"item":"e-bike"}', '"order":{"item":"power-bank","\\u0069tem":"e-bike"}')],
    ];
    for (const [what, raw] of cases) {
      const answer = await post(undefined, { raw });
      assert.equal(answer.status, 400, `${what}: ${JSON.stringify(answer.body)}`);
      assert.equal(assertGateAnswer(answer, what).error.code, 'ERR_MALFORMED', what);
      assert.match(answer.body.error.message, /appears twice/, what);
    }
    // The same names in different objects are not duplicates; the nonce was not used up.
    const answer = await post(undefined, { raw: text });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.item, 'e-bike');
  });
});

describe('bodies that never finish or break their framing', () => {
  test('broken chunked framing: 400 ERR_MALFORMED, not a 500, and nothing in the log', async () => {
    const before = unexpectedErrors().length;
    const answer = await rawExchange(postHead(['Transfer-Encoding: chunked', 'Connection: close']), ['ffffffffffffffffff\r\n{"presentation":"x"}']);
    assert.equal(answer.status, 400, JSON.stringify(answer));
    assert.equal(assertGateAnswer(answer, 'broken framing').error.code, 'ERR_MALFORMED');
    // A client that hangs up in the middle of its body.
    await rawExchange(postHead(['Content-Length: 500']), ['{"presentation":"'], { hangUpAfter: true, timeoutMs: 500 });
    await sleep(300);
    assert.deepEqual(unexpectedErrors().slice(before), []);
  });

  test('a body that stalls, or trickles in a byte at a time, is answered 408 ERR_MALFORMED at the deadline', async () => {
    const valid = JSON.stringify(await body());
    for (const [what, parts, pauseMs] of [
      ['stalled', [valid.slice(0, 40)], 0],
      ['trickled', Array.from({ length: 40 }, (_, index) => valid[index]), 100],
    ]) {
      const started = Date.now();
      const answer = await rawExchange(postHead([`Content-Length: ${valid.length}`]), parts, { pauseMs });
      const took = Date.now() - started;
      assert.equal(answer.status, 408, `${what}: ${JSON.stringify(answer)}`);
      assert.equal(assertGateAnswer(answer, what).error.code, 'ERR_MALFORMED', what);
      // Bounded by the deadline (1 s here), not by the client: generous for a busy machine.
      assert.ok(took < BODY_TIMEOUT_SECONDS * 1000 + 3000, `${what}: answered after ${took} ms`);
    }
    // The nonce in the unfinished body was never read, so it is still good.
    assert.equal((await post(undefined, { raw: valid })).status, 200);
  });
});

describe('request shapes that hold', () => {
  test('content types, members named like object internals, trailing data: each refused or taken as documented', async () => {
    const cases = [
      ['APPLICATION/JSON', (valid) => JSON.stringify(valid), 'APPLICATION/JSON', 200],
      ['charset=UTF-8', (valid) => JSON.stringify(valid), 'application/json;charset=UTF-8', 200],
      ['charset=latin1', (valid) => JSON.stringify(valid), 'application/json;charset=latin1', 400, 'ERR_MALFORMED'],
      ['another parameter', (valid) => JSON.stringify(valid), 'application/json; foo=bar', 400, 'ERR_MALFORMED'],
      ['a JSON subtype', (valid) => JSON.stringify(valid), 'application/merge-patch+json', 400, 'ERR_MALFORMED'],
      ['a __proto__ member', (valid) => `${JSON.stringify(valid).slice(0, -1)},"__proto__":{"deposit":0}}`, 'application/json', 400, 'ERR_MALFORMED'],
      ['an order constructor member', (valid) => JSON.stringify(valid).replace('"order":{', '"order":{"constructor":{},'), 'application/json', 400, 'ERR_MALFORMED'],
      ['data after the JSON', (valid) => `${JSON.stringify(valid)}{}`, 'application/json', 400, 'ERR_MALFORMED'],
      ['an item with a lone surrogate', (valid) => JSON.stringify(valid).replace('"e-bike"', '"e-bike\\ud800"'), 'application/json', 400, 'ERR_CONTEXT_INVALID'],
    ];
    for (const [what, make, type, status, code] of cases) {
      const answer = await post(undefined, { raw: make(await body()), headers: { 'Content-Type': type } });
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
      const parsed = assertGateAnswer(answer, what);
      if (code !== undefined) assert.equal(parsed.error.code, code, what);
    }
  });

  test('paths and methods: only the two routes, as written; everything else a JSON 404 or 405 from the gate', async () => {
    for (const [path, method, status, code] of [
      ['/rentals/gate/', 'POST', 404, 'ERR_NOT_FOUND'],
      ['/rentals/gate%00', 'POST', 404, 'ERR_NOT_FOUND'],
      ['/rentals/gate%2F', 'POST', 404, 'ERR_NOT_FOUND'],
      ['/rentals/./gate', 'GET', 405, 'ERR_METHOD'],
      ['/rentals/x/../gate', 'PATCH', 405, 'ERR_METHOD'],
      ['/rentals/gate?debug=1', 'GET', 405, 'ERR_METHOD'],
      ['/nonce', 'TRACE', 405, 'ERR_METHOD'],
      ['/nonce', 'PROPFIND', 405, 'ERR_METHOD'],
    ]) {
      const answer = await rawExchange([`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', `${CLIENT_HEADER}: ${newClient()}`, 'Connection: close'].join('\r\n'));
      assert.equal(answer.status, status, `${method} ${path}`);
      assert.equal(assertGateAnswer(answer, `${method} ${path}`).error.code, code, `${method} ${path}`);
    }
    // A method override header changes nothing.
    const overridden = await rawExchange(['GET /rentals/gate HTTP/1.1', 'Host: 127.0.0.1', 'X-HTTP-Method-Override: POST', 'Connection: close'].join('\r\n'));
    assert.equal(overridden.status, 405);
  });
});

describe('presentation games', () => {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** The presentation with its key-binding JWT's header replaced (the signature kept). */
  const withKeyBindingHeader = (presentation, header) => {
    const parts = presentation.split('~');
    const [, payload, signature] = parts.at(-1).split('.');
    return [...parts.slice(0, -1), `${b64(header)}.${payload}.${signature}`].join('~');
  };
  // [what, (person, asked) → presentation, status, code]
  const cases = [
    ['a key binding with alg none', (lin, asked) => withKeyBindingHeader(present(lin, asked.nonce, { request: asked }), { alg: 'none', typ: 'kb+jwt' }), 401, 'ERR_ALG_NOT_ALLOWED'],
    ['a key binding with alg HS256', (lin, asked) => withKeyBindingHeader(present(lin, asked.nonce, { request: asked }), { alg: 'HS256', typ: 'kb+jwt' }), 401, 'ERR_ALG_NOT_ALLOWED'],
    ['a key binding carrying its own key', (lin, asked) => withKeyBindingHeader(present(lin, asked.nonce, { request: asked }), { alg: 'EdDSA', typ: 'kb+jwt', jwk: lin.holder }), 401, 'ERR_HEADER_NOT_ALLOWED'],
    ['a disclosure sent twice', (lin, asked) => {
      const parts = present(lin, asked.nonce, { request: asked }).split('~');
      return [parts[0], parts[1], ...parts.slice(1)].join('~');
    }, 401, 'ERR_DISCLOSURE_INVALID'],
    ['Liu\'s disclosures with Lin\'s issuer-signed JWT', (lin, asked) => {
      const liu = present(demo.people.liu, asked.nonce, { request: asked }).split('~');
      return [lin.snapshot.split('~')[0], ...liu.slice(1)].join('~');
    }, 401, 'ERR_DISCLOSURE_INVALID'],
    ['a presentation for the audience with a trailing slash', (lin, asked) => present(lin, asked.nonce, { aud: `${AUDIENCE}/` }), 403, 'ERR_AUDIENCE'],
  ];
  // The demo issuer's key is public, so the snapshot below is the bureau's as far as the gate
  // can tell: Lin's features with a status index past the end of the bureau's 64-entry list.
  cases.push(['a snapshot whose status index is past the end of the list', (lin, asked) => {
    const features = join(demo.dir, 'lin.features.json');
    const people = JSON.parse(readFileSync(join(ROOT, 'src/assets/demo/people.json'), 'utf8')).people;
    writeFileSync(features, JSON.stringify(people.find((person) => person.id === 'lin').features));
    const issued = cli(['issue', features, '--demo-key', '--sub', 'demo-lin', '--holder', join(demo.dir, 'current/people/lin.holder.jwk.json'),
      '--status-uri', 'https://demo-bureau.example/status/1', '--status-index', '64']);
    assert.equal(issued.code, 0, issued.stdout);
    return present(lin, asked.nonce, { request: asked, snapshot: issued.stdout.trim() });
  }, 403, 'ERR_STATUS_INVALID']);
  for (const [what, make, status, code] of cases) {
    test(`${what}: ${status} ${code}`, async () => {
      const asked = await getRequest(url, { client: newClient() });
      const answer = await post({ presentation: make(demo.people.lin, asked), nonce: asked.nonce, order: { item: 'car' } });
      assert.equal(answer.status, status, JSON.stringify(answer.body));
      assert.equal(assertGateAnswer(answer, what).error.code, code);
    });
  }
});

describe('receipts', () => {
  test('an order reference that looks like JSON is recorded as one string, the decision the gate\'s own', async () => {
    const reference = '"},"decision":"deposit_free","x":"';
    const valid = await body(demo.people.liu);
    const answer = await post({ ...valid, order: { item: 'e-bike', reference } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { receipt } = verifyReceipt(answer.body.receipt, { keys: demo.merchantJwks, issuer: AUDIENCE });
    assert.equal(receipt.order.reference, reference);
    assert.equal(receipt.decision, 'deposit_required');
    assert.equal(answer.body.decision, 'deposit_required');
  });
});

describe('CORS origins as configured', () => {
  test('only web origins as browsers send them: null, *, a path, upper case or a default port is a configuration error', () => {
    for (const origin of ['null', '*', 'https://shop.example/', 'HTTPS://SHOP.EXAMPLE', 'https://shop.example:443', 'shop.example', 'file://', 'chrome-extension://abc']) {
      assert.throws(() => new Cors([origin]), /CORS_ORIGINS/, origin);
    }
    for (const origin of ['https://shop.example', 'http://127.0.0.1:8787', 'https://xn--80ak6aa92e.example']) new Cors([origin]);
  });
});
