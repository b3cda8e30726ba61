
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Built into the module's classes folder, so the admin-ui jar carries the console where the kernel looks for it
// (ConsoleRoutes.RESOURCE_ROOT).
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'target/classes/voicecore-console',
    emptyOutDir: true,
    sourcemap: false,
    // The kernel's Content-Security-Policy forbids inline scripts: never inline the module preload helper.
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
