import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './accessibility';
import { adminToken, call } from './fixtures';
import { shoot } from './shoot';

/** A fresh reseller account, made by the platform admin; answers its slug and its API key. */
async function freshReseller(): Promise<{ slug: string; apiKey: string }> {
  const slug = `rs-${randomUUID().slice(0, 8)}`;
  const reply = await call('POST', '/api/v1/resellers', adminToken, { name: `Reseller ${slug}`, slug });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return { slug, apiKey: reply.body.apiKey };
}

async function signInWithKey(page: Page, key: string) {
  await page.goto('/console/');
  await expect(page).toHaveURL(/\/console\/sign-in$/);
  await page.getByRole('tab', { name: 'API key' }).click();
  await page.getByLabel('API key or admin token').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test.beforeEach(async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a reseller creates a bundle with its branding and a sub-tenant from the bundle', async ({ page }) => {
  const reseller = await freshReseller();
  await signInWithKey(page, reseller.apiKey);
  await expect(page.getByRole('heading', { level: 1, name: 'Reseller portal' })).toBeVisible();
  await page.getByLabel('Reseller account').fill(reseller.slug);
  await page.getByRole('button', { name: 'Open' }).click();

  // Bundles: a new one of two core plugins, branded; the preview follows the form as it is typed.
  await page.getByRole('tab', { name: 'Bundles' }).click();
  await expect(page.getByText('No bundles yet.')).toBeVisible();
  await page.getByLabel('Bundle name').fill('Clinic');
  await page.getByRole('checkbox', { name: 'voice', exact: true }).uncheck();
  await page.getByRole('checkbox', { name: 'receptionist', exact: true }).uncheck();
  await page.getByLabel('Product name').fill('Nordic Reception');
  await page.getByLabel('Assistant name').fill('Sara');
  await page.getByLabel('Primary colour').fill('#004d40');
  const preview = page.getByTestId('branding-preview');
  await expect(preview).toContainText('Nordic Reception');
  await expect(preview).toContainText('Hello, I am Sara from Nordic Reception.');
  await page.getByLabel('Greeting (preview only)').fill('Welcome to the clinic, Sara speaking.');
  await expect(preview).toContainText('Welcome to the clinic, Sara speaking.');
  await page.getByRole('button', { name: 'Create bundle' }).click();
  await expect(page.getByText('Bundle Clinic created.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Bundles' }).getByRole('cell', { name: 'Clinic' })).toBeVisible();
  await expectAccessible(page);
  await shoot(page, 'reseller-bundles');

  // Sub-tenants: one from the bundle, then it is listed with the bundle's plugins.
  await page.getByRole('tab', { name: 'Sub-tenants' }).click();
  await expect(page.getByText('Your wholesale discount: 20%')).toBeVisible();
  const slug = `sub-${randomUUID().slice(0, 8)}`;
  await page.getByLabel('Name', { exact: true }).fill('Tandlæge Hansen');
  await page.getByLabel('Short name (slug)').fill(slug);
  await page.getByLabel('Bundle', { exact: true }).selectOption('Clinic');
  await page.getByRole('button', { name: 'Create sub-tenant' }).click();
  await expect(page.getByTestId('sub-tenant-key')).toHaveText(/\S{16,}/);
  const row = page.getByRole('table', { name: 'Sub-tenants' }).getByRole('row', { name: new RegExp(slug) });
  await expect(row).toContainText('Clinic v1');
  await expect(row).toContainText('crm');
  await expect(row).toContainText('ai-gateway');
  await expect(row).toContainText('Active');
  await expectAccessible(page);
  await shoot(page, 'reseller-sub-tenants');

  // The kernel holds the tenant with the bundle's plugins enabled.
  const tenants = await call('GET', '/api/v1/tenants?limit=500', adminToken);
  const tenant = (tenants.body.items as { id: string; slug: string }[]).find((x) => x.slug === slug);
  expect(tenant).toBeDefined();
  const plugins = await call('GET', `/api/v1/tenants/${tenant!.id}/plugins`, adminToken);
  const enabled = (plugins.body.items as { id: string; state: string }[]).filter((p) => p.state === 'enabled').map((p) => p.id).sort();
  expect(enabled).toEqual(['ai-gateway', 'crm']);

  // Suspension from the list, and back.
  await row.getByRole('button', { name: /Suspend/ }).click();
  await expect(row).toContainText('Suspended');
  expect((await call('GET', `/api/v1/tenants/${tenant!.id}`, adminToken)).body.status).toBe('suspended');
  await row.getByRole('button', { name: /Resume/ }).click();
  await expect(row).toContainText('Active');
});
