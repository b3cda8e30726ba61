import { defineConfig } from '@playwright/test';

// Run by ConsoleEndToEndIT (mvn verify), which starts the kernel and sets VOICECORE_URL and VOICECORE_ADMIN_TOKEN.
// The browser is the system's Chromium (Debian's chromium package); Playwright never downloads one.
export default defineConfig({
  testDir: './e2e',
  outputDir: './target/playwright-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.VOICECORE_URL,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    viewport: { width: 1280, height: 800 },
    trace: 'off',
  },
});
