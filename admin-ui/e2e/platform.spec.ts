import { expect, test } from '@playwright/test';
import { expectAccessible } from './accessibility';
import { adminToken, freshTenant } from './fixtures';
import { shoot } from './shoot';

test.beforeEach(async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
});

test('the platform admin finds a tenant, suspends and resumes it, verifies the audit chain and reads the health', async ({ page }) => {
  const tenant = await freshTenant();
  await page.goto('/console/');
  await page.getByRole('tab', { name: 'API key' }).click();
  await page.getByLabel('API key or admin token').fill(adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Platform' })).toBeVisible();

  const table = page.getByRole('table', { name: 'Tenants' });
  await page.getByLabel('Search tenants').fill(tenant.slug);
  await expect(page.getByText(/^1 of \d+ tenants$/)).toBeVisible();
  const row = table.getByRole('row', { name: new RegExp(tenant.slug) });
  await row.getByRole('button', { name: /Suspend/ }).click();
  await expect(row).toContainText('Suspended');
  await row.getByRole('button', { name: /Resume/ }).click();
  await expect(row).toContainText('Active');
  await page.getByLabel('Search tenants').fill('');
  await expectAccessible(page);
  await shoot(page, 'platform-tenants');

  await page.getByRole('tab', { name: 'Audit' }).click();
  await page.getByRole('button', { name: 'Verify the audit chain' }).click();
  await expect(page.getByTestId('audit-verification')).toContainText(/Audit chain OK: \d+ chains, [\d,]+ records verified/);

  await page.getByRole('tab', { name: 'Dead letters' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Dead letters' })).toBeVisible();

  await page.getByRole('tab', { name: 'Health' }).click();
  await expect(page.getByText('UP', { exact: true })).toBeVisible();
  await expect(page.getByText('HTTP requests')).toBeVisible();
  await expectAccessible(page);
  await shoot(page, 'platform-health');
});
