// The demo host: serves the wallet, the checkout, the package and the demo data as static
// files, hands /nonce and /rentals/* to the rentals edge worker (the GATE service), and
// /status/* and /jwks.json to the demo bureau (the BUREAU service), so the wallet can read the
// status list its snapshot names, and the checkout the bureau's published key set, from the same
// origin.
// One origin on 127.0.0.1, so the pages need no CORS and the wallet can postMessage to the
// checkout. Only the folders listed here are reachable; everything else is 404.

// URL prefix → [disk service binding, folder inside it, what is allowed: null (any file), a set
// of files, or a pattern]. The demo data folder also holds the merchant's private receipt key and
// the gate's nonce store: only the issued material and the merchant's public receipt key set are
// served from it.
const MOUNTS = [
  ['/wallet/', 'WWW', 'wallet/', null],
  ['/checkout/', 'WWW', 'checkout/', null],
  ['/shared/', 'WWW', 'shared/', null],
  ['/models/', 'WWW', 'models/', new Set(['rentals-express.model.jws', 'rentals-express.json'])],
  ['/pkg/', 'PKG', '', new Set(['dist/edgescore.js', 'dist/edgescore_core_bg.wasm', 'dist/demo.js'])],
  ['/demo-data/', 'DEMO_DATA', '', /^(?:(?:current|expired)\/|merchant\/receipts\.jwks\.json$)/],
];

// What the demo bureau publishes besides its status lists (/status/*), read through this origin
// under the same path: its issuer key set, which the checkout verifies snapshots with.
const BUREAU_PATHS = { '/jwks.json': 'application/jwk-set+json' };

const TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  jwt: 'text/plain; charset=utf-8',
  'sd-jwt': 'text/plain; charset=utf-8',
  jws: 'text/plain; charset=utf-8',
  wasm: 'application/wasm',
  svg: 'image/svg+xml',
};

// Nothing but this origin: scripts, styles, fetches, frames. WebAssembly compilation needs
// 'wasm-unsafe-eval'. Styles set from script (element.style) are not affected.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

// Pages get their own browsing context group and are not embeddable or loadable elsewhere; they
// use no powerful feature.
const PAGE_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=(), '
    + 'midi=(), display-capture=(), publickey-credentials-get=()',
};

const plain = (status, message, headers = {}) => new Response(`${message}\n`, {
  status,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers },
});
const notFound = () => plain(404, 'not found');

/** The disk file behind a URL path, or null. */
function resolve(pathname) {
  if (pathname === '/') return ['WWW', 'index.html'];
  for (const [prefix, binding, folder, allowed] of MOUNTS) {
    if (!pathname.startsWith(prefix)) continue;
    let rest = pathname.slice(prefix.length);
    if (rest === '' || rest.endsWith('/')) rest += 'index.html';
    const segments = rest.split('/');
    if (segments.some((segment) => segment === '' || segment.startsWith('.') || segment.includes('\\') || segment.includes('%'))) return null;
    if (allowed instanceof Set ? !allowed.has(rest) : allowed !== null && !allowed.test(rest)) return null;
    return [binding, folder + rest];
  }
  return null;
}

async function serveFile(request, env) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return plain(405, 'method not allowed', { Allow: 'GET, HEAD' });
  }
  const { pathname } = new URL(request.url);
  const target = resolve(pathname);
  if (target === null) return notFound();
  const [binding, path] = target;
  const type = TYPES[path.slice(path.lastIndexOf('.') + 1)];
  if (type === undefined) return notFound();
  const file = await env[binding].fetch(new Request(`http://disk/${path}`, { method: request.method }));
  if (!file.ok) return notFound();
  return new Response(file.body, {
    headers: { 'Content-Type': type, 'Cache-Control': binding === 'DEMO_DATA' ? 'no-store' : 'no-cache', ...PAGE_HEADERS },
  });
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/nonce' || pathname.startsWith('/rentals/')) return env.GATE.fetch(request);
    const type = pathname.startsWith('/status/') ? 'application/statuslist+jwt' : BUREAU_PATHS[pathname];
    if (type !== undefined) {
      if (request.method !== 'GET') return plain(405, 'method not allowed', { Allow: 'GET' });
      const answer = await env.BUREAU.fetch(`https://demo-bureau.example${pathname}`);
      return new Response(answer.body, {
        status: answer.status,
        headers: { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
      });
    }
    return serveFile(request, env);
  },
};
