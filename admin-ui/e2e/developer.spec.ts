import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './accessibility';
import { adminToken, baseUrl, call } from './fixtures';
import { shoot } from './shoot';

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the end-to-end tests through 'mvn verify -pl admin-ui'`);
  }
  return value;
}

async function signInWithKey(page: Page, key: string, heading: string) {
  await page.goto('/console/sign-in');
  await page.getByRole('tab', { name: 'API key' }).click();
  await page.getByLabel('API key or admin token').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}

test('a developer submits a signed plugin and a reviewer approves it', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const slug = `e2e-pub-${randomUUID().slice(0, 8)}`;
  const publisher = await call('POST', '/api/v1/marketplace/publishers', null,
                               { name: `Greeter Works ${slug}`, slug, email: `${slug}@example.test` });
  expect(publisher.status).toBe(201);
  const reviewer = await call('POST', '/api/v1/marketplace/reviewers', adminToken, { name: `Rita ${slug}` });
  expect(reviewer.status).toBe(201);

  // The developer signs in with the publisher's key: an empty portal says what to do first.
  await signInWithKey(page, publisher.body.apiKey, 'Developer portal');
  await expect(page.getByText(slug, { exact: true })).toBeVisible();
  await expect(page.getByText('No signing key yet')).toBeVisible();
  await expect(page.getByText('No submission yet')).toBeVisible();

  // Registers the signing certificate from its PEM file, then submits the signed jar.
  await page.getByLabel('Certificate file (PEM)').setInputFiles(env('VOICECORE_GREETER_CERT_PEM'));
  await expect(page.getByLabel('Certificate (PEM)')).toHaveValue(/BEGIN CERTIFICATE/);
  await page.getByRole('button', { name: 'Register key' }).click();
  await expect(page.getByText(/^Key .+ registered\.$/)).toBeVisible();
  await expect(page.getByRole('button', { name: /^Revoke key / })).toHaveCount(1);

  // An unsigned jar is refused at once, and the refusal says why; nothing is stored.
  await page.getByLabel('Signed plugin jar').setInputFiles(env('VOICECORE_UNSIGNED_PLUGIN_JAR'));
  await page.getByRole('button', { name: 'Submit for review' }).click();
  await expect(page.getByRole('alert')).toContainText(/sign/i);
  await expect(page.getByText('No submission yet')).toBeVisible();

  await page.getByLabel('Signed plugin jar').setInputFiles(env('VOICECORE_SIGNED_GREETER_JAR'));
  await page.getByRole('button', { name: 'Submit for review' }).click();
  await expect(page.getByText(/^greeter .+ submitted\./)).toBeVisible();
  await expect(page.getByRole('link', { name: 'greeter' })).toBeVisible();
  await expectAccessible(page);
  await shoot(page, 'developer-home');

  // The automated report, each check with its outcome in words.
  await page.getByRole('link', { name: 'See its review report' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^greeter / })).toBeVisible();
  await expect(page.getByText('Waiting for a reviewer')).toBeVisible({ timeout: 30_000 });
  const checks = page.getByRole('list', { name: 'Checks' });
  for (const check of ['Signature', 'Manifest (plugin.yaml)', 'Bytecode verifier', 'Compatibility with kernels', 'Permissions',
    'Limits', 'Smoke install']) {
    await expect(checks.getByText(check, { exact: true })).toBeVisible();
  }
  await expect(checks.getByText('Failed', { exact: true })).toHaveCount(0);
  await expect(checks.getByText(/signed by the registered key/)).toBeVisible();
  await expectAccessible(page);
  await shoot(page, 'developer-report');
  const reportUrl = page.url();

  // The reviewer, in a browser of its own, finds it in the queue.
  const reviewerContext = await browser.newContext({ baseURL: baseUrl });
  const review = await reviewerContext.newPage();
  await signInWithKey(review, reviewer.body.apiKey, 'Review queue');
  const open = review.getByRole('link', { name: /^Review greeter / });
  await expect(open).toBeVisible();
  await expectAccessible(review);
  await shoot(review, 'review-queue');

  // The report beside the permission changes, a checklist, and the decision with a reason.
  await open.click();
  await expect(review.getByRole('heading', { level: 1, name: /^Review of greeter / })).toBeVisible();
  await expect(review.getByRole('heading', { name: 'Automated review report' })).toBeVisible();
  await expect(review.getByRole('heading', { name: 'Permission changes' })).toBeVisible();
  await expect(review.getByRole('list', { name: 'Checks' }).getByText('Smoke install', { exact: true })).toBeVisible();
  await review.getByLabel('Each permission is justified by its reason').check();
  await review.getByLabel('The description is accurate').check();
  await review.getByLabel('Its routes answer').check();
  await review.getByLabel('Reasons (one per line)').fill('Greets as described; no permission beyond what it needs.');
  await expectAccessible(review);
  await shoot(review, 'review-page');
  await review.getByRole('button', { name: 'Approve and publish' }).click();
  await expect(review.getByText('Approved and published')).toBeVisible();
  await expect(review.getByText('Greets as described; no permission beyond what it needs.')).toBeVisible();
  await reviewerContext.close();

  // The developer sees the decision and the listing, and prices a plan.
  await page.goto(reportUrl);
  await expect(page.getByText('Approved and published')).toBeVisible();
  await expect(page.getByText('Greets as described; no permission beyond what it needs.')).toBeVisible();
  await page.getByRole('link', { name: 'See the listing and its plans' }).click();
  await expect(page.getByRole('heading', { level: 2, name: /greeter/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'free', exact: true })).toBeVisible();
  await page.getByLabel('Plan', { exact: true }).fill('monthly');
  await page.getByLabel('Price (e.g. 19.90)').fill('19.90');
  await page.getByRole('button', { name: 'Add plan' }).click();
  await expect(page.getByRole('cell', { name: '€19.90 per month' })).toBeVisible();
  await expect(page.getByText('No rating yet.')).toBeVisible();
  await expectAccessible(page);
  await shoot(page, 'developer-listings');

  // Prices follow the chosen language.
  await page.getByLabel('Language').selectOption('de');
  await expect(page.getByRole('cell', { name: '19,90\u00a0€ pro Monat' })).toBeVisible();
  await page.getByLabel('Sprache').selectOption('en');

  await page.getByRole('link', { name: 'Balance and payouts' }).click();
  await expect(page.getByText('No money yet')).toBeVisible();
  await page.getByRole('button', { name: 'Show statement' }).click();
  await expect(page.getByText('No entries in this month.')).toBeVisible();
  await expectAccessible(page);

  // Revoking the signing key: jars it signed are refused from then on.
  await page.getByRole('link', { name: 'Profile and submissions' }).click();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: /^Revoke key / }).click();
  await expect(page.getByText(/^Revoked /)).toBeVisible();
  await expect(page.getByRole('button', { name: /^Revoke key / })).toHaveCount(0);
});
