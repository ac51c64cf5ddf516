/**
 * The load generator, in its own process (forked by bench/run.js, driven over IPC): autocannon's API,
 * every run bounded by a duration and a request count. Latencies are taken from autocannon's per-response
 * event in fractional milliseconds (its own histogram keeps whole milliseconds), measured client-side over
 * loopback: from writing the request to reading the whole response.
 * @module
 */
import autocannon from 'autocannon';
import { deliverySequence } from './lib/bodies.js';

const sequences = {};

process.on('message', (message) => {
  handle(message).then(
    (reply) => process.send?.({ id: message.id, ok: true, reply }),
    (error) => process.send?.({ id: message.id, ok: false, error: String(error?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));

async function handle(message) {
  if (message.type === 'prepare') {
    const started = performance.now();
    const sequence = deliverySequence(message.length, message.prefix);
    sequences[message.name] = sequence;
    return {
      length: sequence.bodies.length,
      unique: sequence.unique,
      meanBytes: sequence.meanBytes,
      ms: performance.now() - started,
    };
  }
  if (message.type === 'run') return run(message);
  throw new Error(`unknown message ${message.type}`);
}

/**
 * @param {{ url: string, path: string, method?: string, headers: Record<string,string>, body?: string,
 *   sequence?: string, offset?: number, connections: number, durationSec: number, maxRequests: number }} options
 *   `offset`: where in the sequence the run starts (a run on a server that already saw the sequence's first
 *   part starts after it, so its new deliveries are still new); the reply's `issued` says how far it went.
 */
function run(options) {
  const latencies = new Float64Array(options.maxRequests + options.connections * 2);
  let recorded = 0;
  const request = { method: options.method ?? 'POST', path: options.path, headers: options.headers };
  const offset = options.offset ?? 0;
  let next = offset;
  if (options.sequence) {
    const { bodies } = sequences[options.sequence];
    // One counter shared by all connections, so the new/redelivery mix is the sequence's, not per connection.
    request.setupRequest = (req) => {
      req.body = bodies[next % bodies.length];
      next++;
      return req;
    };
  } else if (options.body !== undefined) {
    request.body = Buffer.from(options.body);
  }
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationSec,
        maxOverallRequests: options.maxRequests,
        timeout: 10,
        requests: [request],
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = latencies.subarray(0, recorded).sort();
        const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
        const statusCodes = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count;
        resolve({
          requestsPerSec: result.requests.average,
          // autocannon 9's result has no totalCompletedRequests: requests.total counts the completed requests.
          completed: result.requests.total,
          durationSec: result.duration,
          completedPerSec: result.requests.total / result.duration,
          p50: at(0.5),
          p90: at(0.9),
          p99: at(0.99),
          max: sorted.length ? sorted[sorted.length - 1] : NaN,
          // autocannon's own whole-millisecond histogram, for comparison
          autocannonP50: result.latency.p50,
          autocannonP99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          issued: next - offset,
        });
      },
    );
    instance.on('response', (_client, _statusCode, _bytes, responseTime) => {
      if (recorded < latencies.length) latencies[recorded++] = responseTime;
    });
  });
}
