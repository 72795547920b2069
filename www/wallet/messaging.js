// The wallet's side of the exchange with the checkout that opened it (www/shared/messages.mjs):
// the wallet says it is ready, the checkout asks for a presentation, the wallet answers with
// one or declines. Same origin only: a message counts only when it comes from this origin and
// from the window that opened the wallet (its parent frame, or its opener).
import { MESSAGE } from '/shared/messages.mjs';

/**
 * The channel to the checkout, or null when the wallet was opened on its own. `onRequest`
 * gets each well-formed request `{ request, merchant, purpose }` (`request` the merchant's
 * presentation request, `merchant` and `purpose` non-empty strings); anything else is ignored.
 * Call `ready()` once the wallet can answer.
 */
export function connectToMerchant(onRequest) {
  const merchantWindow = window.parent !== window ? window.parent : window.opener;
  if (!merchantWindow) return null;
  const post = (message) => merchantWindow.postMessage(message, location.origin);
  window.addEventListener('message', (event) => {
    if (event.origin !== location.origin || event.source !== merchantWindow) return;
    const data = event.data;
    if (data?.type !== MESSAGE.request) return;
    if (![data.merchant, data.purpose].every((value) => typeof value === 'string' && value.length > 0)) return;
    const request = data.request;
    if (request === null || typeof request !== 'object' || typeof request.nonce !== 'string' || typeof request.aud !== 'string'
      || !Array.isArray(request.features)) return;
    onRequest({ request, merchant: data.merchant, purpose: data.purpose });
  });
  return {
    ready: () => post({ type: MESSAGE.ready }),
    present: ({ presentation }) => post({ type: MESSAGE.presentation, presentation }),
    decline: () => post({ type: MESSAGE.declined }),
  };
}
