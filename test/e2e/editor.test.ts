// A new user's first hour in n8n's editor, in a real browser (Debian's Chromium, playwright-core),
// on real n8n 2.40.7 with the packed package installed as a community package would be, against the
// KIE simulator. Every step asserts what the user sees on screen, and the fields, defaults and hints
// are read from the README, so the test fails when the README and the node drift apart. The README's
// "Install" and "First workflow" sections describe these same clicks.
// A failed step leaves a full-page screenshot and the page's HTML in test-artifacts/editor/.
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns 'e2e/editor\.test'
// (a bare "editor" would match every file of a checkout whose path contains it).
import * as fs from 'node:fs';
import * as path from 'node:path';

import { describeKieCode } from '../../nodes/Kie/helpers/errorMessages';
import { MARKET_MODELS } from '../../nodes/Kie/kie/catalogue';
import * as browserLib from '../../scripts/lib/browser';
import { SIMULATOR_API_KEY } from '../../scripts/lib/dev-instance';
import { N8nEditor } from '../../scripts/lib/editor';
import { createSimulator, expectedVideoBytes } from '../../simulator';
import type { Browser, Page } from 'playwright-core';
import {
	host,
	KIE_TYPE,
	logger,
	startN8nWithKie,
	type KieN8n,
	type Simulator,
	type WorkflowFile,
	type WorkflowFileNode,
} from './helpers';

jest.setTimeout(5 * 60_000);

const log = logger('editor');
const ARTIFACTS = path.join(host.REPO_ROOT, 'test-artifacts', 'editor');
const README = fs.readFileSync(path.join(host.REPO_ROOT, 'README.md'), 'utf8');
const VIDEO_SIZE = 200_000;
const EXAMPLE = 'batch-prompts.json';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A KIE task id of either API: legacy ids are UUIDs, Market ids are not (docs/kie-api.md §11). */
const TASK_ID = '[0-9A-Za-z_-]+';

// --- what the README documents -------------------------------------------------------------------

/** The rows (cells, trimmed) of the first Markdown table from `marker` on (a heading or a header row). */
function readmeTable(marker: string): string[][] {
	const start = README.indexOf(marker);
	if (start < 0) throw new Error(`README has no "${marker}"`);
	const lines = README.slice(start).split('\n');
	const header = lines.findIndex((l) => l.startsWith('|'));
	const rows: string[][] = [];
	for (const line of lines.slice(header + 2)) {
		if (!line.startsWith('|')) break;
		rows.push(
			line
				.split('|')
				.slice(1, -1)
				.map((cell) => cell.trim()),
		);
	}
	return rows;
}

/** Runway Gen4 Video → Generate's rows: [field, values and rules]. */
function readmeRunwayGenerate(): [string, string][] {
	const rows = readmeTable('\n### Runway Gen4 Video\n');
	const out: [string, string][] = [];
	let inGenerate = false;
	for (const [operation, field, values] of rows) {
		if (operation) inGenerate = operation.startsWith('**Generate**');
		if (inGenerate) out.push([field, values]);
	}
	return out;
}

/** "5 Seconds (default) or 10 Seconds" → "5 Seconds"; "empty (default) for none" → "". */
function readmeDefault(values: string): string {
	const m = /(?:^|, | or |; )([^,;()]+?) \(default/.exec(values);
	if (!m) throw new Error(`README names no default in "${values}"`);
	return m[1] === 'empty' ? '' : m[1];
}

const generateRows = readmeRunwayGenerate();
/** [field, default, what it does] */
const completionRows = readmeTable('\n### Completion: how the node waits\n');
/** The modes' names, bold in the first cell of the "| Mode |" table. */
const completionModes = readmeTable('| Mode | Use it when |').map(
	([mode]) => /\*\*(.+?)\*\*/.exec(mode)![1],
);

// --- the run ---------------------------------------------------------------------------------------

describe("a new user's first hour in n8n's editor (real browser, real n8n, KIE simulator)", () => {
	let sim: Simulator;
	let kie: KieN8n;
	let browser: Browser;
	let page: Page;
	let editor: N8nEditor;
	let brokenAt: string | undefined;
	const t0 = Date.now();

	/**
	 * One user step: skipped when an earlier one failed (they build on each other); on failure the page
	 * is saved (screenshot + HTML) and the message says where.
	 */
	async function step(name: string, run: () => Promise<void>) {
		if (brokenAt) throw new Error(`not run: the step "${brokenAt}" failed before it`);
		const started = Date.now();
		try {
			await run();
			log(`${name}: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		} catch (e) {
			brokenAt = name;
			const saved = page ? await browserLib.saveArtifacts(page, ARTIFACTS, name) : undefined;
			const where = saved
				? `\n  screenshot: ${saved.png}\n  page HTML:  ${saved.html}\n  URL: ${page.url()}`
				: '';
			throw new Error(`step "${name}" failed: ${(e as Error).message}${where}`);
		}
	}

	beforeAll(async () => {
		fs.rmSync(ARTIFACTS, { recursive: true, force: true });
		sim = await createSimulator({
			host: '127.0.0.1',
			port: 0,
			uploadPort: 0,
			apiKeys: [SIMULATOR_API_KEY],
			taskDurationMs: 2000,
			videoSizeBytes: VIDEO_SIZE,
		});
		// No credential, no workflow: the user makes them in the editor.
		kie = await startN8nWithKie({ tag: 'editor', credentials: [], workflows: [] });
		({ browser, page } = await browserLib.launchBrowser({ log }));
		editor = new N8nEditor(page, kie.n8n.baseUrl);
	});

	afterAll(async () => {
		await browser?.close().catch(() => {});
		await kie?.stop();
		await sim?.close();
		log(`whole run ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	});

	test("signs in as the owner and sees n8n's welcome page", async () => {
		await step('sign-in', async () => {
			await editor.signIn(kie.n8n.owner);
			// A fresh n8n greets its owner so; the sidebar's "+" makes the workflows.
			await page.getByText("Let's build your first automation").waitFor();
		});
	});

	test('"What triggers this workflow?": "KIE Trigger" finds the KIE Trigger, whose panel shows its Production URL', async () => {
		await step('add-kie-trigger', async () => {
			await editor.newWorkflow();
			await editor.openTriggerPanel();
			// n8n lists a package's trigger under the package's node ("KIE"), with the trigger's description.
			const results: string[] = await editor.search('KIE Trigger', 'KIE');
			expect(results.slice(0, 3)).toContain('KIE');
			await editor.pickResult('KIE');
			expect(await editor.categories()).toContain('Triggers (1)');
			await editor.pickResult('On new KIE event');
			await editor.ndv.locator('[data-test-id=node-parameters]').waitFor();
			expect(await editor.ndvTitle()).toBe('KIE Trigger');
			const url: string = await editor.webhookUrl('production');
			expect(url).toMatch(new RegExp(`^${kie.n8n.baseUrl}/webhook/${UUID}/kie$`));
			await page.getByText("Copy this node's Production URL into the Callback URL").waitFor();
			await editor.closeNode();
			expect(await editor.canvasNode('KIE Trigger').isVisible()).toBe(true);
		});
	});

	test('"What happens next?": "KIE" finds the KIE node; Runway Gen4 Video → Generate a video opens its panel', async () => {
		await step('add-kie-node', async () => {
			await editor.newWorkflow();
			await editor.openTriggerPanel();
			await editor.pickResult('Trigger manually'); // the panel's first choice
			await editor.canvasNode('When clicking').waitFor();
			await editor.openNextNodePanel('When clicking');
			const results: string[] = await editor.search('KIE', 'KIE');
			expect(results.slice(0, 3)).toContain('KIE');
			await editor.pickResult('KIE');
			const sections: Record<string, string[]> = await editor.actionSections();
			expect(sections['Runway Gen4 Video Actions']).toEqual(
				expect.arrayContaining(['Generate a video', 'Extend a video']),
			);
			await editor.pickAction('Runway Gen4 Video Actions', 'Generate a video');
			expect(await editor.ndvTitle()).toBe('Generate a video');
			expect(await editor.fieldValue('resource')).toBe('Runway Gen4 Video');
			expect(await editor.fieldValue('operation')).toBe('Generate');
		});
	});

	test("shows the README's fields, defaults and hints for Runway Generate", async () => {
		await step('runway-generate-fields', async () => {
			const readmeFields = generateRows.map(([f]) => f).filter((f) => !f.startsWith('*'));
			// Fields shown in poll mode: the Completion fields but Callback URL (Submit Only), Options once.
			const readmeCompletion = [
				...new Set(
					completionRows
						.filter(([, , what]) => !what.startsWith('*Submit Only.*'))
						.map(([f]) => f.split(' → ')[0]),
				),
			];
			expect(await editor.fieldLabels()).toEqual([
				'Resource',
				'Operation',
				...readmeFields,
				...readmeCompletion,
			]);
			const names: Record<string, string> = {
				Prompt: 'prompt',
				'Image Source': 'imageSource',
				Duration: 'duration',
				Quality: 'quality',
				'Aspect Ratio': 'aspectRatio',
				Watermark: 'waterMark',
			};
			for (const [field, values] of generateRows) {
				if (!names[field] || field === 'Prompt') continue;
				expect([field, await editor.fieldValue(names[field])]).toEqual([
					field,
					readmeDefault(values),
				]);
			}
			expect(await editor.fieldValue('prompt')).toBe('');
			const completionDefault = completionRows.find(([f]) => f === 'Completion')![1];
			expect(await editor.fieldValue('completion')).toBe(completionDefault);
			expect(await editor.fieldValue('reference')).toBe('');

			// Hints: the dropdowns' choices and a field's "?" say what the README's table says.
			const durationText = generateRows.find(([f]) => f === 'Duration')![1].toLowerCase();
			for (const option of await editor.dropdownOptions('duration'))
				expect(durationText).toContain(option.name.toLowerCase());
			const qualityText = generateRows.find(([f]) => f === 'Quality')![1].toLowerCase();
			for (const option of await editor.dropdownOptions('quality'))
				expect(qualityText).toContain(option.name.replace(/ \(.*\)$/, '').toLowerCase());
			const modes = await editor.dropdownOptions('completion');
			expect(modes.map((m: { name: string }) => m.name)).toEqual(completionModes);
			expect(modes.every((m: { description: string }) => m.description.length > 20)).toBe(true);
			const imageHint: string = await editor.fieldHint('imageSource');
			expect(generateRows.find(([f]) => f === 'Image Source')![1]).toMatch(/JPG or PNG.*10 MB/);
			expect(imageHint).toMatch(/JPG or PNG.*10 MB/);

			// Options → the README's option names, each with its documented default once added.
			const readmeOptions = completionRows
				.filter(([f]) => f.startsWith('Options → '))
				.map(([f, d]) => [f.slice('Options → '.length), d.replace(/`/g, '')]);
			expect(await editor.optionChoices()).toEqual(readmeOptions.map(([o]) => o));
			await editor.addOption('Download Result');
			expect(await editor.switchIsOn('downloadResult')).toBe(
				readmeOptions.find(([o]) => o === 'Download Result')![1] === 'on',
			);
			await editor.addOption('Poll Interval (Seconds)');
			expect(await editor.fieldValue('pollIntervalSeconds')).toBe(
				readmeOptions.find(([o]) => o === 'Poll Interval (Seconds)')![1],
			);
		});
	});

	test("creates the KIE credential: the right key passes n8n's test, a wrong one fails with KIE's reason", async () => {
		await step('create-credential', async () => {
			await editor.connectCredential('KIE');
			await editor.fillCredential({
				apiKey: SIMULATOR_API_KEY,
				baseUrl: sim.baseUrl,
				uploadBaseUrl: sim.uploadBaseUrl,
			});
			expect(await editor.saveCredential()).toEqual({ ok: true });
			await editor.closeCredential();
			expect(await editor.selectedCredential()).toBe('KIE account');

			// The pencil opens it again; n8n tests it again and says so.
			await editor.editCredential();
			expect(await editor.credentialTestedOk()).toBe(true);
			// A wrong key: n8n's test fails with KIE's reason (the credential's test maps KIE's body code).
			await editor.fillCredential({ apiKey: 'not-my-key' });
			const wrong = await editor.saveCredential();
			expect(wrong.ok).toBe(false);
			expect((wrong as { message: string }).message).toContain(
				'Couldn’t connect with these settings',
			);
			expect((wrong as { message: string }).message).toContain(
				describeKieCode(401).message, // "KIE rejected the API key (code 401)"
			);
			await editor.fillCredential({ apiKey: SIMULATOR_API_KEY });
			expect(await editor.saveCredential()).toEqual({ ok: true });
			await editor.closeCredential();
		});
	});

	test('"Execute workflow" (poll, Download Result) shows the output item and the video', async () => {
		await step('execute-workflow', async () => {
			await editor.fill('prompt', 'A red fox trotting through fresh snow');
			await editor.toggle('downloadResult');
			expect(await editor.switchIsOn('downloadResult')).toBe(true);
			await editor.fill('pollIntervalSeconds', '2'); // the simulator renders in 2 s
			await editor.closeNode();
			await editor.executeWorkflow();
			await editor.waitForNodeSuccess('Generate a video');
			expect(await editor.edgeLabels()).toEqual(['1 item']); // trigger → KIE

			await editor.openNode('Generate a video');
			expect(await editor.outputItemCount()).toBe('1 item');
			const file: Record<string, string> = await editor.outputBinary();
			expect(file['Mime Type']).toBe('video/mp4');
			expect(file['File Extension']).toBe('mp4');
			const taskId = new RegExp(`^(${TASK_ID})\\.mp4$`).exec(file['File Name'])?.[1];
			expect(taskId).toBeDefined();
			const video = await editor.viewBinaryVideo();
			const src: string = await video.evaluate(
				(el: { currentSrc?: string; src?: string }) => el.currentSrc || el.src || '',
			);
			expect(src).toContain('mimeType=video%2Fmp4');
			// The preview plays what KIE served: n8n hands the browser the downloaded bytes.
			const served = await page.request.get(src);
			expect(served.headers()['content-type']).toMatch(/^video\/mp4/);
			expect(Buffer.compare(await served.body(), expectedVideoBytes(taskId!, VIDEO_SIZE))).toBe(0);

			await page.locator('[data-test-id=output-panel] [data-test-id=radio-button-json]').click();
			const json = page.locator('[data-test-id=output-panel] [data-test-id=ndv-data-container]');
			await json.getByText(taskId!).first().waitFor();
			expect(await json.innerText()).toMatch(/"status":\s*"succeeded"/);
			// A node added today is version 1.1: KIE API "Automatic" ran the task on the Market API.
			expect(await json.innerText()).toMatch(/"api":\s*"market"/);
			await editor.closeNode();
		});
	});

	test('imports an example workflow from its file and runs it from the editor', async () => {
		await step('run-example', async () => {
			const example = JSON.parse(
				fs.readFileSync(path.join(host.REPO_ROOT, 'examples', EXAMPLE), 'utf8'),
			) as WorkflowFile;
			const nodeNamed = (test: (n: WorkflowFileNode) => boolean) => {
				const node = example.nodes.find(test);
				if (!node) throw new Error(`${EXAMPLE} has no such node`);
				return node;
			};
			await editor.newWorkflow();
			await editor.importFromFile(path.join(host.REPO_ROOT, 'examples', EXAMPLE));
			expect(await editor.workflowName()).toBe(example.name);
			const kieNodeName = nodeNamed((n) => n.type === KIE_TYPE).name;
			await editor.openNode(kieNodeName);
			// n8n puts the user's only KIE credential into the imported node.
			expect(await editor.selectedCredential()).toBe('KIE account');
			await editor.closeNode();

			// Its trigger is a Webhook: "Execute workflow" listens, then the user calls the Test URL.
			const trigger = nodeNamed((n) => n.type === 'n8n-nodes-base.webhook').name;
			await editor.executeWorkflow();
			await page.getByText('Waiting for you to call the Test URL').first().waitFor();
			await editor.openNode(trigger);
			const testUrl: string = await editor.listeningUrl();
			expect(testUrl).toBe(
				`${kie.n8n.baseUrl}/webhook-test/${nodeNamed((n) => n.name === trigger).parameters.path}`,
			);
			const res = await fetch(testUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: '{}',
			});
			expect(res.status).toBe(200);
			const answer = (await res.json()) as { videos: unknown[] };
			expect(answer.videos).toHaveLength(5);
			await editor.closeNode();
			for (const node of example.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote'))
				await editor.waitForNodeSuccess(node.name);
			expect(await editor.edgeLabels()).toEqual(['1 item', '5 items', '5 items', '5 items']);
		});
	});

	test('"Kling" finds the KIE node; its Generate shows the model picker and each model\'s own fields; a run ends with KIE\'s model id', async () => {
		await step('catalogue-kling', async () => {
			await editor.newWorkflow();
			await editor.openTriggerPanel();
			await editor.pickResult('Trigger manually');
			await editor.canvasNode('When clicking').waitFor();
			await editor.openNextNodePanel('When clicking');
			const results: string[] = await editor.search('Kling', 'KIE');
			expect(results.slice(0, 3)).toContain('KIE');
			await editor.pickResult('KIE');
			const sections: Record<string, string[]> = await editor.actionSections();
			expect(sections['Kling Actions']).toEqual(
				expect.arrayContaining(['Generate a video with Kling', 'Get a Kling task']),
			);
			await editor.pickAction('Kling Actions', 'Generate a video with Kling');
			expect(await editor.fieldValue('resource')).toBe('Kling');
			const models = (await editor.dropdownOptions('videoModel')).map(
				(option: { name: string }) => option.name,
			);
			expect(models).toEqual(
				MARKET_MODELS.filter((model) => model.family === 'kling').map((model) => model.label),
			);
			expect(await editor.fieldLabels()).toEqual(
				expect.arrayContaining(['Model', 'Prompt', 'Sound', 'Aspect Ratio', 'Duration']),
			);
			// Another model, its own form: an image input instead of the aspect ratio.
			await editor.choose('videoModel', 'Kling 2.6: Image to Video');
			const imageLabels: string[] = await editor.fieldLabels();
			expect(imageLabels).toContain('Image Source');
			expect(imageLabels).not.toContain('Aspect Ratio');
			await editor.choose('videoModel', 'Kling 2.6: Text to Video');
			await editor.fill('prompt', 'A paper boat sailing down a rainy street');
			await editor.addOption('Poll Interval (Seconds)');
			await editor.fill('pollIntervalSeconds', '2');
			await editor.closeNode();
			await editor.executeWorkflow();
			await editor.waitForNodeSuccess('Generate a video with Kling');
			await editor.openNode('Generate a video with Kling');
			await page.locator('[data-test-id=output-panel] [data-test-id=radio-button-json]').click();
			const json = page.locator('[data-test-id=output-panel] [data-test-id=ndv-data-container]');
			await json.getByText('kling-2.6/text-to-video').first().waitFor();
			const text = await json.innerText();
			expect(text).toMatch(/"model":\s*"kling-2\.6\/text-to-video"/);
			expect(text).toMatch(/"status":\s*"succeeded"/);
			await editor.closeNode();
		});
	});
});
