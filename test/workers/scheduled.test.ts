/**
 * The Worker's cron handler inside workerd: retention deletes alerts past RETENTION_DAYS (keeping those a
 * fix was recorded against), as the Node runtime's timer does.
 */
import { applyD1Migrations, createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { alert } from '../../src/store/alert-store.contract.js';
import { openD1Store } from '../../src/store/d1-store.js';

const DAY = 24 * 60 * 60 * 1000;

// Loaded by a path TypeScript does not follow: the Worker's sources are type-checked by the main tsconfig,
// whose DOM-like lib types differ in small ways from @cloudflare/workers-types used here.
const WORKER_MODULE: string = '../../src/runtime/worker.js';
const worker = (await import(WORKER_MODULE)).default as {
  scheduled(event: { cron: string }, env: unknown, ctx: ExecutionContext): Promise<void>;
};

beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});

describe('the Worker cron triggers', () => {
  it('prune alerts past retention on the six-hourly trigger, and only on that one', async () => {
    const store = openD1Store(env.DB);
    const now = Date.now();
    await store.receiveAlerts([alert('ancient'), alert('fixed')], 'C1', now - 200 * DAY);
    await store.receiveAlerts([alert('fresh')], 'C1', now);
    await store.recordFix({
      alertId: 2,
      entryId: 'http-429',
      fixId: 'backoff',
      service: 'checkout',
      userId: 'U1',
      teamId: 'T1',
      at: now - 200 * DAY,
    });
    const run = async (cron: string) => {
      const ctx = createExecutionContext();
      await worker.scheduled({ cron }, env, ctx);
      await waitOnExecutionContext(ctx);
    };
    await run('* * * * *');
    expect(await store.getAlert(1)).toBeDefined();
    await run('17 */6 * * *');
    expect(await store.getAlert(1)).toBeUndefined();
    expect(await store.getAlert(2)).toMatchObject({ title: 'Alert fixed', description: '' });
    expect(await store.getAlert(3)).toBeDefined();
  });
});
