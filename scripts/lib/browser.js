// @ts-check
'use strict';
/**
 * Debian's Chromium driven by playwright-core, for what runs n8n's editor in a real browser: the
 * editor e2e test (test/e2e/editor.test.ts) and `npm run screenshots`. The n8n-specific steps live in
 * ./editor.js; this module only starts the browser and waits for pages.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

/** The browser binary: env KIE_CHROMIUM, else Debian's chromium package. */
const CHROMIUM = process.env.KIE_CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps calling home, which a closed network refuses.
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const VIEWPORT = { width: 1440, height: 900 };
/** n8n's loading placeholders (besides anything that spins). */
const BUSY_SELECTOR = '.el-skeleton, .el-loading-mask';

/** @typedef {(line: string) => void} Log */

/** Debian's chromium, installed with apt-get when missing and allowed (root), as ensureN8nInstalled does for n8n. @param {{ log: Log }} opts */
function ensureChromium({ log }) {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	if (process.env.KIE_CHROMIUM || process.getuid?.() !== 0) {
		throw new Error(
			`No Chromium at ${CHROMIUM}. Install Debian's: \`sudo apt-get install chromium\` (or set KIE_CHROMIUM to a Chromium binary), then run again.`,
		);
	}
	log('installing the Debian package chromium (apt-get, first run only)…');
	for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
		const res = spawnSync('apt-get', args, {
			stdio: 'inherit',
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
		if (res.status !== 0)
			throw new Error(
				`apt-get ${args.join(' ')} failed (${res.status}); install chromium yourself and run again.`,
			);
	}
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`apt-get installed chromium, but ${CHROMIUM} is still missing.`);
	return CHROMIUM;
}

/** @returns {typeof import('playwright-core')} */
function loadPlaywright() {
	try {
		return require('playwright-core');
	} catch {
		throw new Error(
			'playwright-core is missing: run `npm install` in the project first (it is a dev dependency).',
		);
	}
}

/**
 * Chromium with a fresh temporary profile, and one page of VIEWPORT's size.
 * @param {{ log: Log }} opts
 * @returns {Promise<{ browser: import('playwright-core').Browser, page: import('playwright-core').Page }>}
 */
async function launchBrowser({ log }) {
	const executablePath = ensureChromium({ log });
	const { chromium } = loadPlaywright();
	const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
	const page = await browser.newPage({ viewport: VIEWPORT });
	return { browser, page };
}

/**
 * Waits until n8n's page is really drawn: no request in flight, no loading skeleton or spinner,
 * fonts loaded, and a moment for transitions.
 * @param {import('playwright-core').Page} page
 */
async function settle(page) {
	await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => {});
	// A spinner or a skeleton's shimmer is an endless CSS animation; n8n's class names alone do not tell.
	const busyNow = () =>
		page.evaluate((selector) => {
			// Runs in the page (DOM types are not in this Node project's type set).
			/** @type {any} */
			const doc = /** @type {any} */ (globalThis).document;
			/** Whether an element is laid out; SVG parts have no offsetParent, so their HTML host decides. @param {any} el */
			const shown = (el) => {
				while (el && el.offsetParent === undefined) el = el.parentElement;
				return Boolean(el && el.offsetParent !== null);
			};
			const spinning = doc
				.getAnimations()
				.filter(
					(/** @type {any} */ a) =>
						a.playState === 'running' && a.effect?.getComputedTiming().iterations === Infinity,
				)
				.map((/** @type {any} */ a) => a.effect.target)
				.filter(shown);
			const skeletons = [...doc.querySelectorAll(selector)].filter(shown);
			return [...new Set([...spinning, ...skeletons])].map(
				(el) =>
					`${el.tagName.toLowerCase()}.${String(el.getAttribute('class') ?? '')
						.trim()
						.split(/\s+/)
						.join('.')}`,
			);
		}, BUSY_SELECTOR);
	const deadline = Date.now() + 60_000;
	for (let busy = await busyNow(); busy.length; busy = await busyNow()) {
		if (Date.now() > deadline)
			throw new Error(
				`the page at ${page.url()} still shows a loading indicator after 60 s: ${busy.join(', ')}`,
			);
		await page.waitForTimeout(250);
	}
	await page.evaluate(() => /** @type {any} */ (globalThis).document.fonts.ready);
	await page.waitForTimeout(600);
}

/**
 * Closes what n8n may put over the page (toasts, onboarding or "what's new" dialogs) except `keep`.
 * @param {import('playwright-core').Page} page @param {string} [keep] selector of a dialog to leave open
 */
async function dismissPopups(page, keep) {
	for (const close of await page
		.locator('.el-notification__closeBtn, .el-message__closeBtn')
		.all()) {
		await close.click().catch(() => {});
	}
	for (const dialog of await page.locator('.el-dialog, .el-message-box, [role="dialog"]').all()) {
		if (!(await dialog.isVisible())) continue;
		if (
			keep &&
			(await dialog.evaluate((el, sel) => Boolean(el.closest(sel) || el.querySelector(sel)), keep))
		)
			continue;
		await page.keyboard.press('Escape');
	}
}

/**
 * What a failed step leaves behind: a full-page screenshot and the page's HTML in `dir`.
 * @param {import('playwright-core').Page} page @param {string} dir @param {string} name
 * @returns {Promise<{ png: string, html: string }>}
 */
async function saveArtifacts(page, dir, name) {
	fs.mkdirSync(dir, { recursive: true });
	const base = path.join(dir, name.replace(/[^\w.-]+/g, '-'));
	const png = `${base}.png`;
	const html = `${base}.html`;
	await page.screenshot({ path: png, fullPage: true }).catch(() => {});
	fs.writeFileSync(html, await page.content().catch((e) => `<!-- no HTML: ${e} -->`));
	return { png, html };
}

module.exports = {
	CHROMIUM,
	VIEWPORT,
	ensureChromium,
	launchBrowser,
	settle,
	dismissPopups,
	saveArtifacts,
};
