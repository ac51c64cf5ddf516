import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const manifest = parse(readFileSync(new URL('../slack-app-manifest.yaml', import.meta.url), 'utf8'));

describe('the Slack app manifest', () => {
  it('declares /apierr, pointing at the route apierr serves', () => {
    const command = manifest.features.slash_commands.find((c: { command: string }) => c.command === '/apierr');
    expect(command).toBeDefined();
    expect(new URL(command.url).pathname).toBe('/slack/events');
  });

  it('subscribes to the reactions that record fixes, and enables the buttons', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['reaction_added', 'reaction_removed']),
    );
    expect(new URL(manifest.settings.event_subscriptions.request_url).pathname).toBe('/slack/events');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe('/slack/events');
  });

  it('asks for the scopes apierr uses and no more', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'channels:history',
      'chat:write',
      'chat:write.public',
      'commands',
      'groups:history',
      'reactions:read',
    ]);
  });
});

describe('the Slack app manifest for listening, the shortcut and the home tab', () => {
  it('subscribes to channel messages and the home tab, with the history scopes message events need', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['message.channels', 'message.groups', 'app_home_opened']),
    );
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['channels:history', 'groups:history']));
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('declares the "Explain with apierr" message shortcuts the router handles', () => {
    const ids = manifest.features.shortcuts.map(
      (s: { callback_id: string; type: string }) => `${s.type}:${s.callback_id}`,
    );
    expect(ids).toEqual(['message:apierr_explain', 'message:apierr_explain_private']);
  });
});
