import { expectAccessible } from './accessibility';
import { expect, test, type Page } from '@playwright/test';
import { adminToken, call, freshTenant, freshUser, totp, type TestUser } from './fixtures';
import { shoot } from './shoot';

async function signInWithPassword(page: Page, user: TestUser) {
  await page.goto('/console/');
  await expect(page).toHaveURL(/\/console\/sign-in$/);
  await page.getByLabel('Tenant').fill(user.tenant.slug);
  await page.getByLabel('Email').fill(user.email);
  await page.locator('#signin-password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test.beforeEach(async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
});

test('a tenant admin enrols in TOTP with the QR code and then signs in with password and TOTP', async ({ page }) => {
  const tenant = await freshTenant();
  const admin = await freshUser(tenant, 'tenant-admin');

  await signInWithPassword(page, admin);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await page.getByRole('link', { name: 'Two-factor authentication' }).click();
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]+=*$/);
  await shoot(page, 'mfa-enrolment');
  await page.getByLabel('Code from the app').fill(totp(secret));
  await page.getByRole('button', { name: 'Activate' }).click();
  await expect(page.getByText('Two-factor authentication is on.')).toBeVisible();
  const recoveryCodes = await page.getByTestId('recovery-codes').locator('li').allTextContents();
  expect(recoveryCodes.length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Continue to the console' }).click();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();

  // Signing in again asks for the second factor; the code is the next time step's (the one just used is spent).
  await signInWithPassword(page, admin);
  await expect(page.getByLabel('Authentication code')).toBeVisible();
  await shoot(page, 'sign-in-totp');
  await page.getByLabel('Authentication code').fill('000000' === totp(secret, Date.now() + 30_000) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toContainText('two-factor code is wrong');
  await page.getByLabel('Authentication code').fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  for (const entry of ['Users', 'API keys', 'Audit log', 'Marketplace', 'Plugins']) {
    await expect(nav.getByRole('link', { name: entry })).toBeVisible();
  }
  await shoot(page, 'dashboard');
});

test('a tenant user sees no admin pages, gets "not allowed" on an admin URL, and the API refuses it', async ({ page }) => {
  const tenant = await freshTenant();
  const user = await freshUser(tenant, 'tenant-user');

  await signInWithPassword(page, user);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Conversations' })).toBeVisible();
  for (const entry of ['Users', 'API keys', 'Audit log', 'Marketplace', 'Plugins']) {
    await expect(nav.getByRole('link', { name: entry })).toHaveCount(0);
  }

  await page.goto('/console/users');
  await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
  await shoot(page, 'not-allowed');

  // The browser's own credential, sent to the admin route: the kernel refuses it whatever the console shows.
  const status = await page.evaluate(async (tenantId) => {
    const session = JSON.parse(sessionStorage.getItem('voicecore.session') ?? '{}') as { token?: string };
    const response = await fetch(`/api/v1/tenants/${tenantId}/users`, { headers: { Authorization: `Bearer ${session.token}` } });
    return response.status;
  }, tenant.id);
  expect(status).toBe(403);
});

test('a tenant that requires MFA sends a new user to enrolment first, and nowhere else', async ({ page }) => {
  const tenant = await freshTenant({ mfaRequired: true });
  const user = await freshUser(tenant, 'tenant-user');

  await signInWithPassword(page, user);
  await expect(page).toHaveURL(/\/console\/security$/);
  await expect(page.getByText('Your organisation requires two-factor authentication.')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }))
    .toHaveCount(0);
  await page.goto('/console/dashboard');
  await expect(page).toHaveURL(/\/console\/security$/);

  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  await page.getByLabel('Code from the app').fill(totp(secret));
  await page.getByRole('button', { name: 'Activate' }).click();
  await expect(page.getByTestId('recovery-codes').locator('li').first()).toBeVisible();
  const recoveryCode = (await page.getByTestId('recovery-codes').locator('li').first().textContent())!.trim();
  // The enrolment-only session ends; the user signs in again with the new factor.
  await page.getByRole('button', { name: 'Continue to the console' }).click();
  await expect(page.getByText('Two-factor authentication is on. Sign in again with a code from your app.')).toBeVisible();
  await signInWithPassword(page, user);
  await page.getByLabel('Authentication code').fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

  // A recovery code works once in place of the authenticator code.
  await page.getByRole('button', { name: 'Sign out' }).click();
  // Wait for the sign-out to finish: a sign-in page opened before it would still find the session.
  await expect(page.getByText('You have signed out.')).toBeVisible();
  await signInWithPassword(page, user);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCode);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
});

test('a session the server no longer accepts ends with a message on the sign-in page', async ({ page }) => {
  const tenant = await freshTenant();
  const user = await freshUser(tenant, 'tenant-user');
  await signInWithPassword(page, user);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

  // Ended on the server (as at its expiry), behind the console's back.
  const status = await page.evaluate(async () => {
    const session = JSON.parse(sessionStorage.getItem('voicecore.session') ?? '{}') as { token?: string };
    return (await fetch('/api/v1/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${session.token}` } }))
      .status;
  });
  expect(status).toBe(204);
  await page.reload();
  await expect(page).toHaveURL(/\/console\/sign-in$/);
  await expect(page.getByText('Your session has expired. Please sign in again.')).toBeVisible();
});

test('the sign-in page and the home page have no serious or critical accessibility violation', async ({ page }) => {
  await page.goto('/console/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expectAccessible(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await shoot(page, 'sign-in');

  const tenant = await freshTenant();
  const user = await freshUser(tenant, 'tenant-admin');
  await signInWithPassword(page, user);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expectAccessible(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectAccessible(page);
});

test('the platform admin signs in with the admin token and sees the platform section only', async ({ page }) => {
  await page.goto('/console/sign-in');
  await page.getByRole('tab', { name: 'API key' }).click();
  await page.getByLabel('API key or admin token').fill(adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Platform' })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link')).toHaveCount(1);
  await page.goto('/console/dashboard');
  await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
  // The token is kept for this tab only and survives a reload.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();
});

test('an API key signs in and a rejected key is explained', async ({ page }) => {
  const tenant = await freshTenant();
  const admin = await freshUser(tenant, 'tenant-admin');
  const login = await call('POST', '/api/v1/auth/login', null,
                           { tenant: tenant.slug, email: admin.email, password: admin.password });
  const key = await call('POST', `/api/v1/tenants/${tenant.id}/api-keys`, login.body.token,
                         { name: 'console', role: 'tenant-user' });
  expect(key.status).toBe(201);

  await page.goto('/console/sign-in');
  await page.getByRole('tab', { name: 'API key' }).click();
  await page.getByLabel('API key or admin token').fill('not-a-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await page.getByLabel('API key or admin token').fill(key.body.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Two-factor authentication' })).toHaveCount(0);
});
