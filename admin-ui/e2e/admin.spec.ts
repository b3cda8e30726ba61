import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './accessibility';
import { baseUrl, call, freshTenant, freshUser, totp, type TestUser } from './fixtures';
import { shoot } from './shoot';

// Screenshots in two themes and two widths plus axe-core take a while on a shared machine.
test.setTimeout(180_000);

async function signIn(page: Page, user: TestUser) {
  await page.goto('/console/');
  await expect(page).toHaveURL(/\/console\/sign-in$/);
  await page.getByLabel('Tenant').fill(user.tenant.slug);
  await page.getByLabel('Email').fill(user.email);
  await page.locator('#signin-password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
}

/** The session token the console holds for the signed-in user. */
async function sessionToken(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem('voicecore.session') ?? '{}') as { token: string }).token);
}

test.beforeEach(async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a tenant admin adds a tenant user on the Users page; that user signs in, sees no admin pages and the API refuses it',
  async ({ page, browser }) => {
    const tenant = await freshTenant();
    const admin = await freshUser(tenant, 'tenant-admin');
    await signIn(page, admin);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Users' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();

    const email = `agent-${Date.now()}@example.test`;
    const password = 'a-first-password-42';
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Display name').fill('Ada Agent');
    await page.getByLabel('Role', { exact: true }).selectOption('tenant-user');
    await page.getByLabel('First password').fill(password);
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(page.getByText(`${email} can now sign in.`)).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: email });
    await expect(row).toContainText('Ada Agent');
    await expect(row.getByLabel(`Role of ${email}`)).toHaveValue('tenant-user');
    await expect(row).toContainText('Active');
    await expectAccessible(page);
    await shoot(page, 'admin-users');

    // A role change asks first and is kept by the API; then back to a plain user for the checks below.
    await row.getByLabel(`Role of ${email}`).selectOption('tenant-admin');
    await page.getByRole('dialog', { name: 'Change role?' }).getByRole('button', { name: 'Confirm' }).click();
    await expect(row.getByLabel(`Role of ${email}`)).toHaveValue('tenant-admin');
    const listed = await call('GET', `/api/v1/tenants/${tenant.id}/users`, await sessionToken(page));
    expect(listed.body.items.find((u: { email: string }) => u.email === email).role).toBe('tenant-admin');
    await row.getByLabel(`Role of ${email}`).selectOption('tenant-user');
    await page.getByRole('dialog', { name: 'Change role?' }).getByRole('button', { name: 'Confirm' }).click();
    await expect(row.getByLabel(`Role of ${email}`)).toHaveValue('tenant-user');

    // Disabling asks first; cancelling changes nothing, confirming disables, enabling brings the user back.
    await row.getByRole('button', { name: `Disable ${email}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Disable user?' });
    await expect(dialog).toBeVisible();
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(row).toContainText('Active');
    await row.getByRole('button', { name: `Disable ${email}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect(row).toContainText('Disabled');
    const refused = await call('POST', '/api/v1/auth/login', null, { tenant: tenant.slug, email, password });
    expect([401, 403]).toContain(refused.status);
    await row.getByRole('button', { name: `Enable ${email}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect(row).toContainText('Active');

    // The new user, in a browser context of its own.
    const userContext = await browser.newContext();
    const userPage = await userContext.newPage();
    await userPage.emulateMedia({ colorScheme: 'light' });
    await signIn(userPage, { tenant, email, password });
    const userNav = userPage.getByRole('navigation', { name: 'Main navigation' });
    await expect(userNav.getByRole('link', { name: 'Conversations' })).toBeVisible();
    for (const entry of ['Users', 'API keys', 'Audit log']) {
      await expect(userNav.getByRole('link', { name: entry })).toHaveCount(0);
    }
    const token = await sessionToken(userPage);
    expect((await call('GET', `/api/v1/tenants/${tenant.id}/users`, token)).status).toBe(403);
    await userContext.close();
  });

test('a tenant admin creates an API key, sees its secret once, revokes it; the audit log shows it and exports it',
  async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const tenant = await freshTenant();
    const admin = await freshUser(tenant, 'tenant-admin');
    await signIn(page, admin);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'API keys' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();

    await page.getByLabel('Name', { exact: true }).fill('ci-robot');
    await page.getByLabel('Role', { exact: true }).selectOption('tenant-user');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Secret of ci-robot' });
    await expect(secretDialog).toBeVisible();
    await expect(secretDialog).toContainText('shown only once');
    const secret = (await secretDialog.getByTestId('api-key-secret').textContent())!.trim();
    expect(secret.length).toBeGreaterThan(20);
    await secretDialog.getByRole('button', { name: 'Copy' }).click();
    await expect(secretDialog.getByText('Copied.')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await expectAccessible(page);
    await shoot(page, 'admin-api-keys-secret');
    await secretDialog.getByRole('button', { name: 'I have stored it' }).click();
    await expect(secretDialog).toHaveCount(0);

    // The secret is nowhere on the page any more, and the key works.
    await expect(page.getByText(secret)).toHaveCount(0);
    const row = page.getByRole('row').filter({ hasText: 'ci-robot' });
    await expect(row).toContainText(secret.slice(0, 4));
    expect((await call('GET', '/api/v1/me', secret)).status).toBe(200);
    await expectAccessible(page);
    await shoot(page, 'admin-api-keys');

    await row.getByRole('button', { name: 'Revoke ci-robot' }).click();
    await page.getByRole('dialog', { name: 'Revoke API key?' }).getByRole('button', { name: 'Revoke' }).click();
    await expect(row).toContainText('Revoked');
    expect((await call('GET', '/api/v1/me', secret)).status).toBe(401);

    // The audit log, filtered to API key actions: the creation and the revocation, and nothing else.
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    await page.getByLabel('Action').fill('api-key.*');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const records = page.getByRole('table').getByRole('row');
    await expect(records.filter({ hasText: 'api-key.revoke' })).toHaveCount(1);
    await expect(records.filter({ hasText: 'api-key.create' })).toHaveCount(1);
    await expect(records).toHaveCount(3); // the header and the two records
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'audit chain is intact' })).toBeVisible();
    await expectAccessible(page);
    await shoot(page, 'admin-audit');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const exported = readFileSync((await file.path())!, 'utf8');
    expect(exported).toContain('api-key.create');
    expect(exported).toContain('api-key.revoke');
    expect(exported).not.toContain('user.create');

    // Security: the admin has TOTP (enrolled through the API here; the enrolment page has its own test).
    const token = await sessionToken(page);
    const enrolment = await call('POST', '/api/v1/me/mfa/totp', token);
    expect((await call('POST', '/api/v1/me/mfa/totp/activate', token, { code: totp(enrolment.body.secret) })).status).toBe(200);
    // The tenant's MFA policy, switched on with a confirmation and read back from the API.
    await page.getByRole('link', { name: 'Two-factor authentication' }).click();
    await expect(page.getByText('Two-factor authentication is optional.')).toBeVisible();
    await expectAccessible(page);
    await shoot(page, 'admin-security');
    await page.getByRole('button', { name: 'Require two-factor authentication' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByText('Two-factor authentication is required for everyone.')).toBeVisible();
    const tenantNow = await call('GET', `/api/v1/tenants/${tenant.id}`, await sessionToken(page));
    expect(tenantNow.body.mfaRequired).toBe(true);

    // Turning one's own TOTP off is refused while the tenant requires it, and works once the policy is optional.
    const code = totp(enrolment.body.secret, Date.now() + 30_000);
    await page.getByLabel('Current code').fill(code);
    await page.getByRole('button', { name: 'Turn off' }).click();
    await expect(page.getByRole('alert')).toContainText('requires two-factor authentication');
    await page.getByRole('button', { name: 'Make two-factor authentication optional' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByText('Two-factor authentication is optional.')).toBeVisible();
    await page.getByLabel('Current code').fill(code);
    await page.getByRole('button', { name: 'Turn off' }).click();
    await expect(page.getByText('Two-factor authentication is off.')).toBeVisible();
    const users = await call('GET', `/api/v1/tenants/${tenant.id}/users`, token);
    expect(users.body.items.find((u: { email: string }) => u.email === admin.email).mfaEnabled).toBe(false);
  });
