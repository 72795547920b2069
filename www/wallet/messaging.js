// The wallet's side of the exchange with the checkout that opened it (www/shared/messages.mjs):
// the wallet says it is ready, the checkout asks for a presentation, the wallet answers with
// one or declines. Same origin only: a message counts only when it comes from this origin and
// from the window that opened the wallet (its parent frame, or its opener).
import { MESSAGE } from '/shared/messages.mjs';

/**
 * The channel to the checkout, or null when the wallet was opened on its own. `onRequest`
 * gets each well-formed request `{ nonce, aud, merchant, purpose }` (all non-empty strings);
 * anything else is ignored. Call `ready()` once the wallet can answer.
 */
export function connectToMerchant(onRequest) {
  const merchantWindow = window.parent !== window ? window.parent : window.opener;
  if (!merchantWindow) return null;
  const post = (message) => merchantWindow.postMessage(message, location.origin);
  window.addEventListener('message', (event) => {
    if (event.origin !== location.origin || event.source !== merchantWindow) return;
    const data = event.data;
    if (data?.type !== MESSAGE.request) return;
    if (![data.nonce, data.aud, data.merchant, data.purpose].every((value) => typeof value === 'string' && value.length > 0)) return;
    onRequest({ nonce: data.nonce, aud: data.aud, merchant: data.merchant, purpose: data.purpose });
  });
  return {
    ready: () => post({ type: MESSAGE.ready }),
    present: ({ snapshot, presentation }) => post({ type: MESSAGE.presentation, snapshot, presentation }),
    decline: () => post({ type: MESSAGE.declined }),
  };
}
