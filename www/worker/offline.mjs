// Every worker's globalOutbound: the demo site and the rentals edge worker make no outbound
// request, and if code ever tried, it would end here instead of on the network.
export default {
  fetch(request) {
    console.error(`refused an outbound request to ${new URL(request.url).origin}`);
    return new Response('outbound requests are disabled\n', { status: 502 });
  },
};
