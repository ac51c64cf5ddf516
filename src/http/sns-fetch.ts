/**
 * The SNS port over `fetch` (Node 20+ and Workers alike): certificates and subscription confirmations,
 * each with a timeout, to URLs the core has already pinned to SNS hosts.
 * @module
 */
import type { SnsPort } from '../core/security/sns-signature.js';

const TIMEOUT_MS = 5000;
/** An SNS certificate is about 2 KB; anything much larger is not one. */
const MAX_PEM_BYTES = 64 * 1024;

export const fetchSnsPort: SnsPort = {
  async fetchCertificate(url) {
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`certificate fetch answered ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_PEM_BYTES) throw new Error('certificate too large');
    return text;
  },
  async confirmSubscription(url) {
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`SubscribeURL answered ${res.status}`);
  },
};
