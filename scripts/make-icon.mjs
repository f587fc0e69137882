// Renders media/icon.png (128x128, the Marketplace and Extensions view icon): the activity-bar glyph of
// media/codegen.svg, bold and white, on a rounded indigo square. Uses Debian's Chromium through the
// harness's browser (which lets no request leave the machine). Usage: node scripts/make-icon.mjs
import path from 'node:path';
import { launchBrowser } from './harness/browser.mjs';
import { REPO } from './harness/paths.mjs';

const SIZE = 128;
// The glyph is media/codegen.svg's 24x24 paths, scaled 4x and centred.
const svg = `
<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 128 128">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#6366f1"/>
      <stop offset="1" stop-color="#3b0f8c"/>
    </linearGradient>
  </defs>
  <rect x="2" y="2" width="124" height="124" rx="28" fill="url(#bg)"/>
  <g transform="translate(16 16) scale(4)" fill="none" stroke="#ffffff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round">
    <path d="M8 7 3 12l5 5"/>
    <path d="m16 7 5 5-5 5"/>
    <path d="M13.5 4.5 10.5 19.5"/>
  </g>
  <circle cx="90" cy="36" r="7.5" fill="#fbbf24"/>
</svg>`;

const out = path.join(REPO, 'media', 'icon.png');
const browser = await launchBrowser();
try {
  const { page } = browser;
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: out, omitBackground: true });
  console.log(`wrote ${path.relative(REPO, out)}`);
} finally {
  await browser.close();
}
