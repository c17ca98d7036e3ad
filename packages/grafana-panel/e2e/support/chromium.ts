import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (package chromium): the only browser these tests use, never a downloaded one. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with nothing that reaches the network on its own (no QUIC, updates, sync or
 * background requests). playwright's launch gives each browser a fresh temporary profile (--user-data-dir)
 * and removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
  });
}
