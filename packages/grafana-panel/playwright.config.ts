/**
 * NOT RUN HERE: isoscope's machines cannot pull the Docker Hub images the stack needs nor download a browser.
 * Runs in CI with Docker (.github/workflows/compose-e2e.yml) or on any machine that has both; see
 * tests/README.md. Not jest: jest.config.js ignores tests/, and these specs need a running Grafana.
 *
 * Playwright + @grafana/plugin-e2e against the Grafana of the repository's docker-compose.yml:
 *   npm ci && npm run build && docker compose up -d --wait          (repository root)
 *   npx playwright install chromium && npx playwright test           (this folder)
 * GRAFANA_URL overrides http://localhost:3000; GRAFANA_ADMIN_PASSWORD the admin password (admin).
 */
import { dirname, join } from 'node:path';
import type { PluginOptions } from '@grafana/plugin-e2e';
import { defineConfig, devices } from '@playwright/test';

const pluginE2eAuth = `${dirname(require.resolve('@grafana/plugin-e2e'))}/auth`;
const admin = { user: 'admin', password: process.env.GRAFANA_ADMIN_PASSWORD ?? 'admin' };

export default defineConfig<PluginOptions>({
  testDir: './tests',
  testMatch: /.*\.spec\.ts$/,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 2 : 0,
  workers: process.env.CI ? 1 : undefined,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: process.env.GRAFANA_URL ?? 'http://localhost:3000',
    trace: 'on-first-retry',
    // the provisioning the compose Grafana mounts: readProvisionedDashboard reads <this>/dashboards/<file>
    provisioningRootDir: join(__dirname, '..', '..', 'provisioning', 'grafana'),
    user: admin,
    grafanaAPICredentials: admin,
  },
  projects: [
    // plugin-e2e's login step: stores the admin session in playwright/.auth/admin.json
    { name: 'auth', testDir: pluginE2eAuth, testMatch: [/.*\.js/] },
    {
      name: 'run-tests',
      use: { ...devices['Desktop Chrome'], storageState: 'playwright/.auth/admin.json' },
      dependencies: ['auth'],
    },
  ],
});
