/**
 * Which controls an alert's parent offers, from what is configured: "Silence…" only when Alertmanager is
 * set up and the alert came from it.
 * @module
 */
import type { ControlOptions } from '../messages/alert-controls.js';
import type { StoredAlert } from '../ports.js';
import type { CoreServices } from './services.js';

export function controlOptions(
  services: Pick<CoreServices, 'silences' | 'silenceHours'>,
  alert: StoredAlert,
): ControlOptions {
  return {
    silence: services.silences !== undefined && alert.source === 'alertmanager',
    silenceHours: services.silenceHours ?? [1, 4, 24],
  };
}
