// Test-only worker with the site's globalOutbound: tries to fetch ?to=URL and reports what
// came back, to show that an outbound request never leaves workerd.
export default {
  async fetch(request) {
    const to = new URL(request.url).searchParams.get('to');
    try {
      const response = await fetch(to);
      return Response.json({ status: response.status, text: await response.text() });
    } catch (error) {
      return Response.json({ threw: String(error) });
    }
  },
};
