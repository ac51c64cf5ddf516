/**
 * `app_home_opened`: publishes the user's home tab with what the team has learned, from one read of the store.
 * @module
 */
import { renderHome } from '../messages/home-messages.js';
import type { CoreServices } from './services.js';

export const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export async function publishHome(services: CoreServices, userId: string): Promise<boolean> {
  if (!services.slack.publishHome || !userId) return false;
  const stats = await services.store.homeStats(services.clock.now() - WEEK_MS, 20);
  const result = await services.slack.publishHome(userId, renderHome(stats, services.entries));
  if (!result.ok) services.logger.warn({ failure: result.failure }, 'views.publish failed');
  return result.ok;
}
