// Shared by the dashboard page tests: Debian's chromium through playwright-core (skipped with a
// message where it is missing, a failure under CI or DENDRITE_REQUIRE_DATA), the page bundles
// built by scripts/build_dashboard.mjs into a temporary assets folder, a page that records
// every console error or warning, uncaught error, failed request and HTTP error, and a PNG
// decoder to count the pixels of a screenshot that differ from the background.
import type { TestContext } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { REQUIRE_DATA } from '../helpers/data.js';

export const CHROMIUM = process.env['DENDRITE_CHROMIUM'] ?? '/usr/bin/chromium';
const REQUIRE_BROWSER = REQUIRE_DATA || process.env['CI'] === 'true';

/** True (test skipped) when chromium is missing; under CI a missing chromium throws. */
export function skipWithoutChromium(t: TestContext): boolean {
  if (existsSync(CHROMIUM)) return false;
  const msg = `chromium not found at ${CHROMIUM} (apt-get install chromium, or set DENDRITE_CHROMIUM)`;
  if (REQUIRE_BROWSER) throw new Error(`${msg}; required under CI`);
  t.skip(msg);
  return true;
}

/** Bundles the dashboard's pages into `dir` with the package's own build (scripts/build_dashboard.mjs). */
export function buildPages(dir: string): void {
  const r = spawnSync(process.execPath, ['scripts/build_dashboard.mjs', '--out', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build_dashboard failed (${r.status}): ${r.stderr}`);
  if (/WARNING/.test(r.stderr)) throw new Error(`build_dashboard warned: ${r.stderr}`);
}

/** Headless chromium; WebGL2 on SwiftShader (no GPU here) for niivue. */
export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page whose problems are collected: console errors and warnings, page errors, failed requests, HTTP >= 400. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[]; log: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const log: string[] = [];
  page.on('console', (m) => {
    log.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { page, problems, log };
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what chromium's screenshots are) to RGBA. */
export function decodePng(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let off = 8, width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  while (off < png.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const body = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = dv.getUint32(off + 8);
      height = dv.getUint32(off + 12);
      const [depth, color, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || (color !== 2 && color !== 6) || interlace !== 0) throw new Error(`decodePng: depth ${depth}, colour type ${color}, interlace ${interlace} not supported`);
      channels = color === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  const prev = new Uint8Array(stride), cur = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0, b = prev[i]!, c = i >= channels ? prev[i - channels]! : 0;
      let p = 0;
      if (f === 1) p = a;
      else if (f === 2) p = b;
      else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = (line[i]! + p) & 255;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) out[4 * (y * width + x) + k] = cur[x * channels + k]!;
      out[4 * (y * width + x) + 3] = channels === 4 ? cur[x * channels + 3]! : 255;
    }
    prev.set(cur);
  }
  return { width, height, rgba: out };
}

/** Pixels of a PNG that differ from its most common colour by more than `tol` in some channel, and the distinct colours. */
export function contentPixels(png: Uint8Array, tol = 24): { content: number; total: number; colours: number } {
  const { width, height, rgba } = decodePng(png);
  const hist = new Map<number, number>();
  for (let i = 0; i < width * height; i++) {
    const key = (rgba[4 * i]! << 16) | (rgba[4 * i + 1]! << 8) | rgba[4 * i + 2]!;
    hist.set(key, (hist.get(key) ?? 0) + 1);
  }
  let bg = 0, most = -1;
  for (const [k, n] of hist) if (n > most) { most = n; bg = k; }
  const [br, bgc, bb] = [bg >> 16, (bg >> 8) & 255, bg & 255];
  let content = 0;
  for (let i = 0; i < width * height; i++) {
    if (Math.abs(rgba[4 * i]! - br) > tol || Math.abs(rgba[4 * i + 1]! - bgc) > tol || Math.abs(rgba[4 * i + 2]! - bb) > tol) content++;
  }
  return { content, total: width * height, colours: hist.size };
}

/** Writes a full-page screenshot as <name>.png into $DENDRITE_SCREENSHOTS (kept) or `fallback` (a test's temp dir); returns its bytes. */
export async function savePageShot(page: Page, name: string, fallback: string): Promise<Uint8Array> {
  const dir = process.env['DENDRITE_SCREENSHOTS'] ?? fallback;
  mkdirSync(dir, { recursive: true });
  return page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Pixels of a PNG whose colour passes `pred`. */
export function countPixels(png: Uint8Array, pred: (r: number, g: number, b: number) => boolean): number {
  const { width, height, rgba } = decodePng(png);
  let n = 0;
  for (let i = 0; i < width * height; i++) if (pred(rgba[4 * i]!, rgba[4 * i + 1]!, rgba[4 * i + 2]!)) n++;
  return n;
}
