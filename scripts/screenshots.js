#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run screenshots`: the README's pictures, taken along the README's "First workflow" — the same
 * clicks as the editor e2e test (test/e2e/editor.test.ts), through the same page object
 * (scripts/lib/editor.js) — in a real n8n (2.40.7) with this package, the KIE simulator, and a fresh
 * n8n user folder (so nothing of yours shows). Debian's Chromium, headless, writes the PNGs into
 * docs/screenshots/. Run by hand after UI changes.
 *
 * Environment: KIE_CHROMIUM (the browser binary; default /usr/bin/chromium, installed with apt-get
 * when missing and run as root), KEEP_SCREENSHOT_N8N=1 (keep the temporary n8n user folder).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const host = require('./lib/n8n-host');
const dev = require('./lib/dev-instance');
const { launchBrowser, settle, dismissPopups, VIEWPORT } = require('./lib/browser');
const { N8nEditor } = require('./lib/editor');

const OUT_DIR = path.join(host.REPO_ROOT, 'docs', 'screenshots');
/** What n8n shows as its public address: the KIE Trigger's URL then looks like a real setup's. */
const PUBLIC_URL = 'https://n8n.example.com/';
const EXAMPLE = path.join(host.REPO_ROOT, 'examples', 'batch-prompts.json');

const t0 = Date.now();
/** @param {string} line */
const say = (line) =>
	console.log(`[screenshots ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}`);

/**
 * @param {import('playwright-core').Page} page @param {string} name file name without .png
 * @param {import('playwright-core').Locator | { x: number, y: number, width: number, height: number }} [part]
 *   only this element, or this part of the page
 */
async function shoot(page, name, part) {
	const file = path.join(OUT_DIR, `${name}.png`);
	await settle(page);
	await page.mouse.move(1000, 40); // off the fields: no hover menus in the picture
	if (part && 'screenshot' in part) await part.screenshot({ path: file, animations: 'disabled' });
	else await page.screenshot({ path: file, animations: 'disabled', clip: part });
	say(
		`wrote ${path.relative(host.REPO_ROOT, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`,
	);
}

/** The simulator on `npm start`'s ports, so the credential shows the URLs the README names; any free ports if those are taken. */
async function startSimulatorForPictures() {
	const options = { host: '127.0.0.1', port: 8787, uploadPort: 8788, taskDurationMs: 2000 };
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
		// n8n with the package installed as a community package, and the simulator. No credential,
		// no workflow: the steps below make them, as a user does.
		dev.buildAndInstallPackage(userFolder, { log: say });
		sim = await startSimulatorForPictures();
		n8n = await host.startN8n({
			userFolder,
			port: await host.freePort(),
			env: { WEBHOOK_URL: PUBLIC_URL },
			log: say,
		});
		fs.mkdirSync(OUT_DIR, { recursive: true });
		let page;
		({ browser, page } = await launchBrowser({ log: say }));
		const editor = new N8nEditor(page, n8n.baseUrl);
		await editor.signIn(n8n.owner);

		// 1. The KIE Trigger from "What triggers this workflow?", its Production URL shown.
		await editor.newWorkflow();
		await editor.openTriggerPanel();
		await editor.search('KIE Trigger', 'KIE');
		await editor.pickResult('KIE');
		await editor.pickResult('On new KIE event');
		await editor.ndv.locator('[data-test-id=node-parameters]').waitFor();
		await editor.webhookUrl('production');
		await shoot(page, 'kie-trigger-webhook-url');
		await editor.closeNode();

		// 2. "What happens next?" after a manual trigger: "KIE" found.
		await editor.newWorkflow();
		await editor.openTriggerPanel();
		await editor.pickResult('Trigger manually');
		await editor.canvasNode('When clicking').waitFor();
		await editor.openNextNodePanel('When clicking');
		await editor.search('KIE', 'KIE');
		// The nodes panel only (n8n docks it on the right).
		await shoot(page, 'nodes-panel-kie', { x: 1056, y: 64, width: 384, height: 560 });
		await editor.pickResult('KIE');
		await editor.pickAction('Runway Gen4 Video Actions', 'Generate a video');

		// 3. The credential, after n8n's connection test.
		await editor.connectCredential('KIE');
		await editor.fillCredential({
			apiKey: dev.SIMULATOR_API_KEY,
			baseUrl: sim.baseUrl,
			uploadBaseUrl: sim.uploadBaseUrl,
		});
		await editor.saveCredential();
		await editor.closeCredential();
		await editor.editCredential();
		await editor.credentialTestedOk();
		await dismissPopups(page, '[data-test-id=editCredential-modal]');
		await shoot(page, 'credential-kie-simulator', editor.credentialModal);
		await editor.closeCredential();

		// 4. The node's panel: Runway Gen4 Video → Generate, a prompt, Download Result on.
		await editor.fill('prompt', 'A red fox trotting through fresh snow, morning light');
		await editor.addOption('Download Result');
		await editor.toggle('downloadResult');
		await editor.addOption('Poll Interval (Seconds)');
		await editor.fill('pollIntervalSeconds', '5');
		await editor.field('pollIntervalSeconds').locator('input').blur(); // no input tip in the picture
		await page.setViewportSize({ width: VIEWPORT.width, height: 1200 });
		await shoot(page, 'kie-node-runway-generate');
		await page.setViewportSize(VIEWPORT);
		await editor.closeNode();

		// 5. "Execute workflow": the output item with the video.
		await editor.executeWorkflow();
		await editor.waitForNodeSuccess('Generate a video');
		await editor.openNode('Generate a video');
		await editor.outputBinary();
		await dismissPopups(page);
		await shoot(page, 'execution-kie-node-output');
		await editor.closeNode();

		// 6. An example imported from its file and run: Execute workflow, then its Test URL called.
		await editor.newWorkflow();
		await editor.importFromFile(EXAMPLE);
		const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
		const trigger = example.nodes.find(
			(/** @type {any} */ n) => n.type === 'n8n-nodes-base.webhook',
		);
		await editor.executeWorkflow();
		await editor.openNode(trigger.name);
		const testUrl = await editor.listeningUrl();
		say(`running the example (POST ${testUrl}; it polls KIE after 30 s)…`);
		// The URL shows the public address (WEBHOOK_URL); this n8n listens on its local one.
		const res = await fetch(testUrl.replace(PUBLIC_URL, `${n8n.baseUrl}/`), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		if (res.status !== 200)
			throw new Error(`the example answered ${res.status}: ${await res.text()}`);
		await editor.closeNode();
		for (const node of example.nodes.filter(
			(/** @type {any} */ n) => n.type !== 'n8n-nodes-base.stickyNote',
		))
			await editor.waitForNodeSuccess(node.name);
		await dismissPopups(page);
		await shoot(page, 'execution-finished');
	} finally {
		await cleanUp();
	}
	say(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
	console.error(`[screenshots] ${e instanceof Error ? e.stack || e.message : e}`);
	process.exit(1);
});
