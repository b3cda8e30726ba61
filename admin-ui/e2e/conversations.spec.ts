import { expectAccessible } from './accessibility';
import { expect, test, type Page } from '@playwright/test';
import { adminToken, call, freshTenant, freshUser, type TestTenant, type TestUser } from './fixtures';
import { shoot } from './shoot';

/** Enables the AI gateway (pointed at the OpenAI stand-in) and the receptionist for the tenant, every permission granted. */
async function enableReceptionist(tenant: TestTenant) {
  for (const id of ['ai-gateway', 'receptionist']) {
    const plugin = await call('GET', `/api/v1/plugins/${id}`, adminToken);
    const grantedPermissions = (plugin.body.permissions as { name: string }[]).map((p) => p.name);
    const enabled = await call('PUT', `/api/v1/tenants/${tenant.id}/plugins/${id}`, adminToken, { grantedPermissions });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
  }
  await call('PUT', `/api/v1/tenants/${tenant.id}/plugins/ai-gateway/config`, adminToken,
             { baseUrl: process.env.VOICECORE_OPENAI_URL, maxRetries: 0 });
  await call('PUT', `/api/v1/tenants/${tenant.id}/plugins/ai-gateway/secrets/openai.api-key`, adminToken,
             { value: process.env.VOICECORE_OPENAI_KEY });
}

/** A chat conversation held through the API: the greeting, the caller's messages and their replies, then its end. */
async function conversation(tenant: TestTenant, messages: string[], end: boolean): Promise<string> {
  const base = `/api/v1/tenants/${tenant.id}/receptionist/conversations`;
  const started = await call('POST', base, adminToken, { channel: 'chat' });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  for (const text of messages) {
    const reply = await call('POST', `${base}/${started.body.id}/messages`, adminToken, { text });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  }
  if (end) {
    expect((await call('POST', `${base}/${started.body.id}/end`, adminToken)).status).toBe(200);
  }
  return started.body.id as string;
}

async function signIn(page: Page, user: TestUser) {
  await page.goto('/console/');
  await page.getByLabel('Tenant').fill(user.tenant.slug);
  await page.getByLabel('Email').fill(user.email);
  await page.locator('#signin-password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
}

test.beforeEach(async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a conversation made through the API appears in the list, a new one arrives live, and the transcript shows its turns', async ({ page }) => {
  const tenant = await freshTenant();
  await enableReceptionist(tenant);
  await conversation(tenant, ['Hi, I am Marta and I am very happy with your service', 'I would like to book a cleaning'], true);
  const user = await freshUser(tenant, 'tenant-user');
  await signIn(page, user);

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Conversations' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Conversations' })).toBeVisible();
  const rows = page.getByTestId('conversation-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Ended');

  // A conversation started while the list is open shows up without a reload.
  await conversation(tenant, ['Hello there'], false);
  await expect(rows).toHaveCount(2, { timeout: 15_000 });
  await page.getByLabel('Status').selectOption('open');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Open');
  await page.getByLabel('Status').selectOption('');
  await expect(rows).toHaveCount(2);
  await shoot(page, 'conversations-list');
  await expectAccessible(page);

  await page.getByLabel('Status').selectOption('ended');
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Conversation' })).toBeVisible();
  const transcript = page.getByTestId('transcript');
  await expect(transcript).toContainText('Hi, I am Marta and I am very happy with your service');
  await expect(transcript).toContainText('I would like to book a cleaning');
  await expect(transcript.locator('li')).not.toHaveCount(0);
  expect(await transcript.locator('.conversations-turn-caller').count()).toBe(2);
  await expect(page.getByRole('heading', { name: 'Summary' })).toBeVisible();
  await shoot(page, 'conversations-transcript');
  await expectAccessible(page);
});
