// The demo site, as the main command (scripts/demo.sh) runs it: issues fresh demo snapshots,
// starts workerd on 127.0.0.1, prints the URLs and runs until Ctrl-C.
//   node www/serve.mjs [--port 8787] [--demo-dir .cache/www-demo]
import { parseArgs } from 'node:util';

import { AUDIENCE, DEFAULT_DEMO_DIR, issueDemoData, startSite } from './site.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    'demo-dir': { type: 'string', default: DEFAULT_DEMO_DIR },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not ${values.port}`);
  process.exit(2);
}

issueDemoData(values['demo-dir']);
let site;
try {
  site = await startSite({ demoDir: values['demo-dir'], port });
} catch (error) {
  console.error(`could not start workerd on 127.0.0.1:${port} (another program on that port? try --port 0 or PORT=…)`);
  console.error(error.message);
  process.exit(1);
}

console.log(`
Demo site (DEMO material only; the demo issuer's key is public) on ${site.url}
  wallet:    ${site.url}/wallet/      the person's own view: score, band, dimensions, reasons
  checkout:  ${site.url}/checkout/    rent a power bank, an e-bike or a car from ${AUDIENCE}
  edge API:  ${site.url}/nonce  and  POST ${site.url}/rentals/gate
Fresh demo snapshots for six people in ${values['demo-dir']}/current. Ctrl-C stops the site.`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await site.stop();
    process.exit(0);
  });
}
// Ctrl-C in a terminal reaches workerd too, and it exits with 0.
const code = await site.exited;
if (code !== 0) {
  console.error(`workerd stopped unexpectedly (${code}):\n${site.output()}`);
  process.exit(1);
}
