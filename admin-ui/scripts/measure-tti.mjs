// Time to interactive of the console's dashboard, measured in Debian's Chromium against a running kernel.
//
//   VOICECORE_URL=http://localhost:18080 VOICECORE_ADMIN_TOKEN=secret npm run measure [-- --runs 7]
//
// With the platform admin token it makes a throw-away tenant and tenant admin, signs in once through the API and gives
// each run that session in a new browser context (an empty cache: every run is a cold load of /console/dashboard).
// Each run reports, from navigation start:
//   fcp   first contentful paint
//   dcl   DOMContentLoaded
//   tti   the TTI proxy: the dashboard's <h1> is visible AND the network is idle, i.e. the later of the heading's
//         first appearance and the end of the last response the page started before Playwright's 'networkidle'
//         (no request for 500 ms).
// It prints the median of each, once at full speed and once with the CPU throttled 4x (CDP
// Emulation.setCPUThrottlingRate), like a mid-range phone. Not part of the test suite: the numbers depend on the machine.
import { randomUUID } from 'node:crypto';
import { chromium } from '@playwright/test';

const baseUrl = (process.env.VOICECORE_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
const adminToken = process.env.VOICECORE_ADMIN_TOKEN;
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
if (!adminToken) {
  console.error('VOICECORE_ADMIN_TOKEN is not set (the platform admin token of the kernel at VOICECORE_URL)');
  process.exit(2);
}

async function call(method, path, token, body) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

async function session() {
  const slug = `tti-${randomUUID().slice(0, 8)}`;
  const tenant = await call('POST', '/api/v1/tenants', adminToken, { name: `TTI ${slug}`, slug, mfaRequired: false });
  const email = `admin@${slug}.example`;
  const password = `pw-${randomUUID()}`;
  await call('POST', `/api/v1/tenants/${tenant.id}/users`, adminToken, { email, password, role: 'tenant-admin' });
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ tenant: slug, email, password }),
  }).then((r) => r.json());
  return { token: login.token, kind: 'session', expiresAt: login.expiresAt };
}

// Runs in the page before its scripts: the stored session, and the moment the page's <h1> first shows.
function instrument(stored) {
  sessionStorage.setItem('voicecore.session', JSON.stringify(stored));
  localStorage.setItem('voicecore.language', 'en');
  const seen = () => {
    const heading = document.querySelector('h1#page-title');
    if (heading && heading.textContent === 'Dashboard' && heading.getBoundingClientRect().height > 0) {
      window.__headingVisibleAt = performance.now();
      return true;
    }
    return false;
  };
  new MutationObserver((_, observer) => { if (seen()) observer.disconnect(); })
    .observe(document, { childList: true, subtree: true, characterData: true });
}

async function measureOnce(browser, stored, cpuRate) {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  await context.addInitScript(instrument, stored);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
  await page.goto(`${baseUrl}/console/dashboard`, { waitUntil: 'commit' });
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle', { timeout: 60_000 });
  const timing = await page.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    const lastResponse = Math.max(navigation.responseEnd,
      ...performance.getEntriesByType('resource').map((entry) => entry.responseEnd));
    return {
      fcp: fcp ? fcp.startTime : NaN,
      dcl: navigation.domContentLoadedEventEnd,
      tti: Math.max(window.__headingVisibleAt ?? NaN, lastResponse),
    };
  });
  await context.close();
  return timing;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const stored = await session();
  await measureOnce(browser, stored, 1); // warms the kernel (class loading, JIT), not the browser: each run is cold
  console.log(`Dashboard at ${baseUrl}, ${runs} cold loads each, median ms from navigation start`);
  console.log('| CPU | first contentful paint | DOMContentLoaded | heading visible + network idle (TTI proxy) |');
  console.log('|---|---:|---:|---:|');
  for (const rate of [1, 4]) {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      samples.push(await measureOnce(browser, stored, rate));
    }
    const row = ['fcp', 'dcl', 'tti'].map((key) => median(samples.map((s) => s[key])).toFixed(0));
    console.log(`| ${rate === 1 ? 'unthrottled' : `${rate}x slower`} | ${row.join(' | ')} |`);
  }
} finally {
  await browser.close();
}
