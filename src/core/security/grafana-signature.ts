/**
 * Grafana's optional webhook HMAC (FORMATS.md 1.2): lowercase hex HMAC-SHA256 of the raw body in a
 * configurable header; when a timestamp header is configured, Grafana puts unix seconds in it and signs
 * `"<ts>:" + body` instead, which lets apierr refuse replays older than five minutes.
 * @module
 * @example
 * const failure = await verifyGrafanaSignature(scheme, (name) => headers.get(name) ?? undefined, body, now);
 * if (failure) return unauthorized(failure.header, failure.detail);
 */
import { type Bytes, concatBytes, encodeUtf8, hexToBytes, hmacKey, parseUnixSeconds, verifyHmac } from './hmac.js';
import { type HeaderLookup, isFresh, missing, type SignatureFailure, stale } from './signature.js';

export interface GrafanaHmacScheme {
  kind: 'grafana-hmac';
  secret: string;
  /** Header carrying the hex signature, e.g. `X-Grafana-Alerting-Signature`. */
  header: string;
  /** Header carrying unix seconds, when Grafana is configured to send one; it is then signed too. */
  timestampHeader: string | undefined;
}

export async function verifyGrafanaSignature(
  scheme: GrafanaHmacScheme,
  header: HeaderLookup,
  body: Bytes,
  nowMs: number,
): Promise<SignatureFailure | undefined> {
  const signature = header(scheme.header.toLowerCase())?.trim();
  if (!signature) return missing(scheme.header);
  let signed = body;
  if (scheme.timestampHeader) {
    const raw = header(scheme.timestampHeader.toLowerCase())?.trim();
    if (!raw) return missing(scheme.timestampHeader);
    const seconds = parseUnixSeconds(raw);
    if (seconds === undefined) {
      return { reason: 'malformed-header', header: scheme.timestampHeader, detail: 'Send unix seconds.' };
    }
    if (!isFresh(seconds, nowMs)) return stale(scheme.timestampHeader);
    signed = concatBytes(encodeUtf8(`${raw}:`), body);
  }
  const expected = hexToBytes(signature);
  const valid =
    expected !== undefined && (await verifyHmac(await hmacKey(encodeUtf8(scheme.secret)), expected, signed));
  return valid
    ? undefined
    : { reason: 'bad-signature', header: scheme.header, detail: `${scheme.header} does not match the body.` };
}
