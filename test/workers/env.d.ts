// The bindings the Workers test project sees (wrangler.toml, plus the migrations the config reads).
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    CHANNEL_DRAINER: DurableObjectNamespace;
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
