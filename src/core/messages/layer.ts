import type { Layer } from '../knowledge/schema.js';

const LAYER_NAMES: Record<Layer, string> = {
  client: 'the client (the caller sent something wrong)',
  auth: 'the auth layer (identity provider, token or key checks)',
  gateway: 'a gateway, proxy or load balancer in front of the app',
  app: 'the application itself',
  dependency: 'a dependency behind the app (database, upstream service, network)',
  browser: 'the browser, enforcing its own rules',
};

/** Who usually produces an error of this layer, in words an on-call engineer reads at a glance. */
export const describeLayer = (layer: Layer): string => LAYER_NAMES[layer];

export const percent = (confidence: number): string => `${Math.round(confidence * 100)}%`;
