#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run screenshots`: the README's pictures, taken from a real n8n (2.40.7) with this package,
 * the KIE simulator, the credential "KIE (simulator)" and the example workflows, in a fresh n8n user
 * folder (so nothing of yours shows). One example runs first so that a finished execution exists.
 * Debian's Chromium, driven headless by playwright-core, signs in as the owner and writes PNGs into
 * docs/screenshots/. Run by hand after UI changes (CI does not: it has no Chromium).
 *
 * Environment: KIE_CHROMIUM (the browser binary; default /usr/bin/chromium, installed with apt-get
 * when missing and run as root), KEEP_SCREENSHOT_N8N=1 (keep the temporary n8n user folder).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const host = require('./lib/n8n-host');
const dev = require('./lib/dev-instance');

const OUT_DIR = path.join(host.REPO_ROOT, 'docs', 'screenshots');
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
/** What n8n shows as its public address: callback URLs in the screenshots then look like a real setup's. */
const PUBLIC_URL = 'https://n8n.example.com/';
/** Example workflows used (ids from examples/*.json). */
const WORKFLOWS = {
	canvas: 'kieExRunwayDisk1',
	executed: 'kieExBatchPrompt',
	trigger: 'kieExLumaTrigger',
};
const EXECUTED_WEBHOOK = 'kie-batch-prompts';
const RUNWAY_NODE = 'KIE Runway Generate';
const TRIGGER_NODE = 'KIE Trigger';

const t0 = Date.now();
/** @param {string} line */
const say = (line) =>
	console.log(`[screenshots ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

/** Debian's chromium, installed with apt-get when missing and allowed (root), as ensureN8nInstalled does for n8n. */
function ensureChromium() {
	if (fs.existsSync(CHROMIUM)) return CHROMIUM;
	if (process.env.KIE_CHROMIUM || process.getuid?.() !== 0) {
		throw new Error(
			`No Chromium at ${CHROMIUM}. Install Debian's: \`sudo apt-get install chromium chromium-driver\` (or set KIE_CHROMIUM to a Chromium binary), then run \`npm run screenshots\` again.`,
		);
	}
	say('installing Debian packages chromium and chromium-driver (apt-get, first run only)…');
	for (const args of [
		['update'],
		['install', '-y', '--no-install-recommends', 'chromium', 'chromium-driver'],
	]) {
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
	const deadline = Date.now() + 30_000;
	for (let busy = await busyNow(); busy.length; busy = await busyNow()) {
		if (Date.now() > deadline)
			throw new Error(
				`the page at ${page.url()} still shows a loading indicator after 30 s: ${busy.join(', ')}`,
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
 * @param {import('playwright-core').Page} page @param {string} name file name without .png
 * @param {import('playwright-core').Locator} [element] only this element
 */
async function shoot(page, name, element) {
	const file = path.join(OUT_DIR, `${name}.png`);
	await page.mouse.move(1000, 40); // off the fields: no hover menus in the picture
	if (element) await element.screenshot({ path: file, animations: 'disabled' });
	else await page.screenshot({ path: file, animations: 'disabled' });
	say(
		`wrote ${path.relative(host.REPO_ROOT, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`,
	);
}

/** @param {import('playwright-core').Page} page @param {string} baseUrl @param {{ email: string, password: string }} owner */
async function signIn(page, baseUrl, owner) {
	await page.goto(`${baseUrl}/signin`);
	await page.fill('#emailOrLdapLoginId', owner.email);
	await page.fill('#password', owner.password);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
	await settle(page);
}

/** @param {import('playwright-core').Page} page @param {string} baseUrl @param {string} workflowId */
async function openWorkflow(page, baseUrl, workflowId) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	await page.waitForSelector('[data-test-id=canvas-node]');
	await settle(page);
	await dismissPopups(page);
}

/** Opens a node's panel (NDV) by double-clicking it on the canvas. @param {import('playwright-core').Locator} scope @param {string} nodeName */
async function openNode(scope, nodeName) {
	await scope.locator('[data-test-id=canvas-node]', { hasText: nodeName }).first().dblclick();
	await scope.page().waitForSelector('[data-test-id=ndv] [data-test-id=node-parameters]');
	await settle(scope.page());
}

/** The simulator on `npm start`'s ports, so the credential shows the URLs the README names; any free ports if those are taken. */
async function startSimulatorForPictures() {
	const options = { host: '127.0.0.1', port: 8787, uploadPort: 8788, taskDurationMs: 5000 };
	let sim;
	try {
		sim = await dev.startSimulator(options, { log: say });
	} catch (e) {
		if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EADDRINUSE') throw e;
		say(
			'ports 8787/8788 are taken (is `npm start` running?): the simulator takes free ports, which the credential picture then shows',
		);
		sim = await dev.startSimulator({ ...options, port: 0, uploadPort: 0 }, { log: say });
	}
	if (!sim) throw new Error('The screenshots need the KIE simulator (simulator/).');
	return sim;
}

async function main() {
	const executablePath = ensureChromium();
	const { chromium } = loadPlaywright();
	await host.ensureN8nInstalled({ log: say });

	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-screenshots-n8n-'));
	/** @type {any} */
	let sim;
	/** @type {Awaited<ReturnType<typeof host.startN8n>> | undefined} */
	let n8n;
	/** @type {import('playwright-core').Browser | undefined} */
	let browser;
	const cleanUp = async () => {
		await browser?.close().catch(() => {});
		await n8n?.stop().catch(() => {});
		await sim?.close().catch(() => {});
		if (process.env.KEEP_SCREENSHOT_N8N === '1') say(`kept the n8n user folder ${userFolder}`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
	};
	for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
		process.on(signal, () => void cleanUp().then(() => process.exit(130)));
	}

	try {
		// 1. n8n with the package, the simulator, its credential and the examples.
		dev.buildAndInstallPackage(userFolder, { log: say });
		sim = await startSimulatorForPictures();
		const credential = dev.simulatorCredential(sim);
		await host.importCredentials(userFolder, [credential], { log: say });
		await dev.importNewExamples(userFolder, credential, { log: say });
		n8n = await host.startN8n({
			userFolder,
			port: await host.freePort(),
			env: { WEBHOOK_URL: PUBLIC_URL },
			log: say,
		});
		const baseUrl = n8n.baseUrl;

		// 2. One example runs while the other pictures are taken (it polls KIE after 30 s).
		say(`running the example workflow ${WORKFLOWS.executed} (POST /webhook/${EXECUTED_WEBHOOK})…`);
		const run = host.callWebhook(n8n, EXECUTED_WEBHOOK, {});

		fs.mkdirSync(OUT_DIR, { recursive: true });
		browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS }); // a fresh temporary profile
		const page = await browser.newPage({ viewport: VIEWPORT });
		await signIn(page, baseUrl, n8n.owner);

		// (b) an example on the canvas, with its sticky note.
		await openWorkflow(page, baseUrl, WORKFLOWS.canvas);
		await shoot(page, 'example-workflow-canvas');

		// (a) the KIE node's panel: Runway Generate with every field, options included.
		await page.setViewportSize({ width: VIEWPORT.width, height: 1200 });
		await openNode(page.locator('body'), RUNWAY_NODE);
		await shoot(page, 'kie-node-runway-generate');
		await page.setViewportSize(VIEWPORT);

		// (e) the KIE Trigger's panel with its Production URL shown.
		await openWorkflow(page, baseUrl, WORKFLOWS.trigger);
		await openNode(page.locator('body'), TRIGGER_NODE);
		await page.locator('[data-test-id=ndv]').getByText('Webhook URLs', { exact: true }).click();
		await page.locator('[data-test-id=ndv] [data-test-id=radio-button-production]').click();
		await page.waitForSelector(`[data-test-id=ndv] .webhook-url:has-text("${PUBLIC_URL}webhook/")`);
		await settle(page);
		await shoot(page, 'kie-trigger-webhook-url');

		// (d) the credential, after n8n's own connection test.
		await page.goto(`${baseUrl}/home/credentials/${credential.id}`);
		const modal = page.locator('[data-test-id=editCredential-modal]');
		await page.waitForSelector('[data-test-id=credentials-config-container-test-success]', {
			timeout: 30_000,
		});
		await settle(page);
		await dismissPopups(page, '[data-test-id=editCredential-modal]');
		await shoot(page, 'credential-kie-simulator', modal);

		// (c) the finished execution, and the KIE node's output in it.
		const response = await run;
		if (response.status !== 200)
			throw new Error(`the example answered ${response.status}: ${response.text.slice(0, 300)}`);
		const execution = await host.waitForExecution(n8n, WORKFLOWS.executed, {
			timeoutMs: 120_000,
			until: (e) => e.status === 'success',
		});
		say(`execution ${execution.id} ${execution.status}`);
		await page.goto(`${baseUrl}/workflow/${WORKFLOWS.executed}/executions/${execution.id}`);
		const preview = page.locator('[data-test-id=execution-preview-host]');
		await preview.locator('[data-test-id=canvas-node]').first().waitFor();
		await settle(page);
		await dismissPopups(page);
		await shoot(page, 'execution-finished');
		await openNode(preview, RUNWAY_NODE);
		await page.locator('[data-test-id=output-panel] [data-test-id=radio-button-json]').click();
		await settle(page);
		await shoot(page, 'execution-kie-node-output');
	} finally {
		await cleanUp();
	}
	say(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
	console.error(`[screenshots] ${e instanceof Error ? e.stack || e.message : e}`);
	process.exit(1);
});
