import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index';
import { type ModelCopy, shippedModelCopy } from './helpers/model-copy';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`page test skipped: ${CHROMIUM} is absent (Debian's chromium package; .ci/run installs it)`);
}

/**
 * Dark pixels of a PNG (text drawn on the page's light background), counted by the browser itself:
 * it decodes the PNG, so the test needs no image library. Browser code, hence a string.
 */
const COUNT_INK = `async (base64) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + base64;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2] < 100) dark++;
  }
  return dark;
}`;

function inkPixels(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(`(${COUNT_INK})(${JSON.stringify(png.toString('base64'))})`) as Promise<number>;
}

describe.skipIf(!hasChromium)('the live denoising page in headless Chromium', () => {
  let copy: ModelCopy;
  let server: RunningServer;
  let profile: string;
  let browser: BrowserContext;

  beforeAll(async () => {
    copy = shippedModelCopy(undefined);
    server = await startServer({ modelDir: copy.dir, port: 0 });
    profile = mkdtempSync(join(tmpdir(), 'unmask-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1000, height: 700 },
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
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    copy?.remove();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('unmasks the canvas step by step for a typed prompt, and the text shows on screen', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForSelector('body[data-state="idle"]');
    const emptyInk = await inkPixels(page, await page.locator('#canvas').screenshot());

    await page.fill('#prompt', 'JULIET:');
    await page.fill('#tokens', '24');
    await page.click('#generate');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });

    const trace = (await page.evaluate('window.unmaskTrace')) as number[];
    expect(trace.length).toBe(24);
    expect(trace.at(-1)).toBe(0);
    for (let i = 1; i < trace.length; i++) expect(trace[i]).toBeLessThan(trace[i - 1]!);
    expect(await page.locator('#canvas .cell').count()).toBe(24);
    expect(await page.locator('#canvas .masked').count()).toBe(0);
    const text = await page.locator('#output').textContent();
    expect(text!.trim().length).toBeGreaterThan(0);
    await expect(page.locator('#status').textContent()).resolves.toMatch(/^done: 24 steps/);

    const shot = await page.locator('#canvas').screenshot();
    const ink = await inkPixels(page, shot);
    expect(emptyInk).toBe(0);
    // A dozen glyphs at 18 px are well over a thousand dark pixels.
    expect(ink).toBeGreaterThan(500);
  });
});
