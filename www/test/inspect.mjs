// Test-only worker: what each nonce shard holds, `GET /?shards=N` → [{ rows, unused, alarmAt }].
export default {
  async fetch(request, env) {
    const shards = Number(new URL(request.url).searchParams.get('shards') ?? 16);
    const stats = await Promise.all(Array.from({ length: shards }, (_, index) => env.NONCES.get(env.NONCES.idFromName(`nonce-shard-${index}`)).stats()));
    return Response.json(stats);
  },
};
