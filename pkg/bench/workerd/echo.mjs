// What a request costs workerd with no verification at all: the body read and parsed as JSON,
// a small JSON answer. The gates' CPU time above this is their verification and scoring.
export default {
  async fetch(request) {
    const { nonce } = await request.json();
    return Response.json({ band: 'none', decision: 'refer', nonce });
  },
};
