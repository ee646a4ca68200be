// The example workflows in examples/*.json, imported into a real n8n 2.40.7 (this package installed,
// credential "KIE (simulator)" with the examples' own credential id) and run against the KIE simulator.
// The test copies differ from the files only where a test must: a 1 s poll interval, a Webhook in place
// of the Schedule Trigger, the output folder, the KIE Trigger URL's port, and for nodes that need an
// outside account (Google Sheets, Google Drive) a stand-in with the same name: rows from a Code node,
// the video written to disk. Those nodes are checked against n8n's own descriptions instead: their
// type and version exist in this n8n and n8n's parameter resolution keeps every parameter the file sets.
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns examples
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { INode, INodeParameters, INodeTypeDescription } from 'n8n-workflow';

import {
	CREDENTIAL_TYPE,
	host,
	type ItemJson,
	KIE_TYPE,
	type KieAnswer,
	type KieN8n,
	kieCredential,
	logger,
	simulatorLib,
	type Simulator,
	sleep,
	startN8nWithKie,
	waitFor,
	type N8nHandle,
	type WorkflowFile,
	type WorkflowFileNode,
} from './helpers';

const { createSimulator, expectedVideoBytes } = simulatorLib;

jest.setTimeout(10 * 60_000);

const log = logger('examples');
const EXAMPLES = path.join(host.REPO_ROOT, 'examples');
const VIDEO_SIZE = 400_000;
const CRED = { id: 'kieSimulator0001', name: 'KIE (simulator)' };
/** What the Google Sheet of sheet-veo-to-storage.json holds in the test: n8n's row_number, a prompt. */
const SHEET_ROWS = [
	{ row_number: 2, prompt: 'A lighthouse at dusk, waves breaking, slow dolly in' },
	{ row_number: 3, prompt: 'Steam rising from a cup of coffee on a rainy windowsill' },
];

function readExample(file: string): WorkflowFile {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
}

/** Test copy: every KIE node polls every second (the files use KIE's recommended 30 s). */
function fastPoll(wf: WorkflowFile): WorkflowFile {
	for (const node of wf.nodes) {
		const completionOptions = node.parameters.completionOptions;
		if (node.type === KIE_TYPE && completionOptions?.pollIntervalSeconds !== undefined) {
			completionOptions.pollIntervalSeconds = 1;
		}
	}
	return wf;
}

const nodeNamed = (wf: WorkflowFile, name: string) => {
	const node = wf.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`example ${wf.id} has no node "${name}"`);
	return node;
};

/** Puts `standIn` where the node `name` is: same name, id and position, so connections still hold. */
function replaceNode(
	wf: WorkflowFile,
	name: string,
	standIn: Pick<WorkflowFileNode, 'type' | 'typeVersion' | 'parameters'>,
): WorkflowFile {
	const node = nodeNamed(wf, name);
	wf.nodes = wf.nodes.map((n) =>
		n === node ? { id: node.id, name, position: node.position, ...standIn } : n,
	);
	return wf;
}

/**
 * Where n8n's parameter resolution (NodeHelpers.getNodeParameters, with the node's description as
 * this n8n serves it) drops a value the file sets: a parameter the node does not know, or one not
 * shown for the file's resource, operation and version. Empty collections are left out by n8n too.
 */
function droppedParameters(given: unknown, resolved: unknown, at = ''): string[] {
	if (given === null || typeof given !== 'object') return [];
	if (Array.isArray(given)) {
		const list = Array.isArray(resolved) ? resolved : [];
		return given.flatMap((value, index) =>
			droppedParameters(value, list[index], `${at}[${index}]`),
		);
	}
	if ('__rl' in given) return [];
	const kept = (resolved ?? {}) as Record<string, unknown>;
	return Object.entries(given).flatMap(([key, value]) => {
		const path = at ? `${at}.${key}` : key;
		const empty = typeof value === 'object' && value !== null && Object.keys(value).length === 0;
		if (!(key in kept)) return empty ? [] : [path];
		return droppedParameters(value, kept[key], path);
	});
}

/** Replaces a trigger by a POST Webhook (same connections); the rest of the workflow is untouched. */
function withWebhookInsteadOf(
	wf: WorkflowFile,
	triggerName: string,
	webhookPath: string,
): WorkflowFile {
	const trigger = nodeNamed(wf, triggerName);
	const webhook: WorkflowFileNode = {
		id: trigger.id,
		name: 'Test Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: trigger.position,
		webhookId: 'e1a0ffff-0000-4000-8000-00000000f001',
		parameters: {
			httpMethod: 'POST',
			path: webhookPath,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
	wf.nodes = wf.nodes.map((n) => (n === trigger ? webhook : n));
	wf.connections['Test Webhook'] = wf.connections[triggerName];
	delete wf.connections[triggerName];
	return wf;
}

describe('example workflows (examples/*.json) on real n8n against the KIE simulator', () => {
	let sim: Simulator;
	let env: KieN8n;
	let n8n: N8nHandle;
	let outDir: string;
	let port: number;
	const workflows: Record<string, WorkflowFile> = {};
	const timings: Record<string, number> = {};

	beforeAll(async () => {
		sim = await createSimulator({
			host: '127.0.0.1',
			port: 0,
			uploadPort: 0,
			apiKeys: ['sim-key'],
			taskDurationMs: 2000,
			videoSizeBytes: VIDEO_SIZE,
		});
		outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-examples-out-'));
		port = await host.freePort();

		// 1. Schedule -> Set -> Runway (poll, download) -> Write file.
		const disk = fastPoll(
			withWebhookInsteadOf(
				readExample('scheduled-runway-to-disk.json'),
				'Every Day at 9',
				'example-runway-to-disk',
			),
		);
		disk.id = 'kieExRunwayDiskT';
		disk.name += ' (test copy)';
		const folder = nodeNamed(disk, 'Prompt and Folder').parameters.assignments!.assignments.find(
			(a) => a.name === 'folder',
		);
		folder!.value = outDir;
		workflows.disk = disk;
		// 2. Webhook -> Aleph (callback) -> Respond to Webhook: used as is.
		workflows.aleph = readExample('webhook-aleph-restyle-callback.json');
		// 3. Webhook -> Luma (submit, Callback URL = the KIE Trigger workflow's Production URL) and
		// KIE Trigger -> Set: the URL's port becomes this n8n's (the file has npm start's 5678).
		const submit = readExample('luma-submit-to-trigger.json');
		const luma = nodeNamed(submit, 'KIE Luma Modify (Submit)');
		expect(luma.parameters.callbackUrl).toMatch(
			/^http:\/\/127\.0\.0\.1:5678\/webhook\/[-0-9a-f]+\/kie$/,
		);
		luma.parameters.callbackUrl = luma.parameters.callbackUrl!.replace(':5678/', `:${port}/`);
		workflows.lumaSubmit = submit;
		workflows.lumaTrigger = readExample('luma-trigger-store-result.json');
		// 4. Webhook -> Code (5 prompts) -> Runway (poll) -> Set -> Aggregate.
		workflows.batch = fastPoll(readExample('batch-prompts.json'));
		// 5. Schedule -> Google Sheets -> Veo 3.1 (poll, download) -> Google Drive: the sheet becomes
		// two rows from a Code node, Drive a write to disk (both keep their names).
		const sheetVeo = fastPoll(
			withWebhookInsteadOf(
				readExample('sheet-veo-to-storage.json'),
				'Every Day at 8',
				'example-sheet-veo',
			),
		);
		sheetVeo.id = 'kieExSheetVeoDrT';
		sheetVeo.name += ' (test copy)';
		replaceNode(sheetVeo, 'Prompt Sheet', {
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: `return ${JSON.stringify(SHEET_ROWS.map((json) => ({ json })))};` },
		});
		replaceNode(sheetVeo, 'Upload to Google Drive', {
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1.1,
			parameters: {
				operation: 'write',
				fileName: `=${outDir}/{{ $json.taskId }}.mp4`,
				dataPropertyName: 'data',
				options: {},
			},
		});
		workflows.sheetVeo = sheetVeo;
		expect(luma.parameters.callbackUrl).toContain(
			`/webhook/${nodeNamed(workflows.lumaTrigger, 'KIE Trigger').webhookId}/kie`,
		);

		env = await startN8nWithKie({
			tag: 'examples',
			credentials: [{ ...kieCredential(CRED.id, sim), name: CRED.name }],
			workflows: Object.values(workflows),
			// The scheduled example as shipped, next to its test copy, imported the way `npm start` does
			// (published only when "active": true).
			shippedWorkflows: [
				readExample('scheduled-runway-to-disk.json'),
				readExample('sheet-veo-to-storage.json'),
				...STORAGE_TEMPLATES.map(({ file }) => readExample(file)),
			],
			port,
			env: { N8N_RESTRICT_FILE_ACCESS_TO: outDir },
		});
		n8n = env.n8n;
	});

	afterAll(async () => {
		log(`timings (ms): ${JSON.stringify(timings)}`);
		await env?.stop();
		await sim?.close();
		if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
	});

	test('every example file is a workflow with a fixed id, a sticky note, KIE nodes on the example credential, nodes left to right', () => {
		const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
		expect(files.length).toBeGreaterThanOrEqual(1);
		const ids = new Set<string>();
		for (const file of files) {
			const wf = readExample(file);
			expect(wf.id).toMatch(/^[A-Za-z0-9]{16}$/);
			ids.add(wf.id);
			expect(typeof wf.name).toBe('string');
			const notes = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote');
			expect(notes.length).toBeGreaterThanOrEqual(1);
			expect(notes[0].parameters.content).toMatch(/Completion/);
			for (const node of wf.nodes.filter((n) => n.type === KIE_TYPE)) {
				expect(node.credentials).toEqual({ [CREDENTIAL_TYPE]: CRED });
				const completionOptions = node.parameters.completionOptions;
				if (completionOptions?.pollIntervalSeconds !== undefined)
					expect(completionOptions.pollIntervalSeconds).toBe(30);
			}
			// Connected nodes run left to right.
			for (const [from, outputs] of Object.entries(wf.connections)) {
				for (const target of outputs.main.flat()) {
					expect(nodeNamed(wf, target.node).position[0]).toBeGreaterThan(
						nodeNamed(wf, from).position[0],
					);
				}
			}
		}
		expect(ids.size).toBe(files.length);
	});

	test('scheduled-runway-to-disk as shipped: imported inactive with its daily Schedule Trigger, and never run', async () => {
		const shipped = readExample('scheduled-runway-to-disk.json');
		const stored = await host.restCall(n8n, 'GET', `/workflows/${shipped.id}`);
		expect(stored.active).toBe(false);
		expect(nodeNamed(stored, 'Every Day at 9').type).toBe('n8n-nodes-base.scheduleTrigger');
		expect(nodeNamed(stored, 'KIE Runway Generate').credentials).toEqual({ kieApi: CRED });
		expect(await host.getExecutions(n8n, shipped.id)).toHaveLength(0);
	});

	test('scheduled-runway-to-disk: one Runway video generated, polled, downloaded and written as <taskId>.mp4', async () => {
		const t0 = Date.now();
		const creates = sim.count('POST /api/v1/runway/generate');
		const res = await host.callWebhook(n8n, 'example-runway-to-disk', {});
		expect(res.status).toBe(200);
		const exec = await host.waitForExecution(n8n, workflows.disk.id);
		expect(exec.status).toBe('success');
		timings.disk = Date.now() - t0;
		expect(sim.count('POST /api/v1/runway/generate') - creates).toBe(1);

		const kieOut = exec.data.resultData.runData['KIE Runway Generate'][0].data.main[0];
		expect(kieOut).toHaveLength(1);
		const { taskId } = kieOut[0].json;
		expect(kieOut[0].json).toMatchObject({ model: 'runway', status: 'succeeded', error: null });
		expect(sim.getTask(taskId)!.params.prompt).toBe(
			nodeNamed(readExample('scheduled-runway-to-disk.json'), 'Prompt and Folder').parameters
				.assignments?.assignments[0].value,
		);
		const file = path.join(outDir, `${taskId}.mp4`);
		expect(fs.existsSync(file)).toBe(true);
		expect(fs.readFileSync(file).equals(expectedVideoBytes(taskId, VIDEO_SIZE))).toBe(true);
		expect(
			exec.data.resultData.runData['Write Video to Disk'][0].data.main[0][0].json,
		).toMatchObject({ taskId });
	});

	/** A finished Runway task's video on the simulator's file host: a source video KIE can "download". */
	async function simulatorVideoUrl(): Promise<string> {
		const res = await fetch(`${sim.baseUrl}/api/v1/runway/generate`, {
			method: 'POST',
			headers: { authorization: 'Bearer sim-key', 'content-type': 'application/json' },
			body: JSON.stringify({
				prompt: 'source clip',
				duration: 5,
				quality: '720p',
				aspectRatio: '16:9',
			}),
		});
		const { data } = (await res.json()) as KieAnswer<{ taskId: string }>;
		await waitFor('the source clip', () => sim.getTask(data.taskId)!.state === 'success', 30_000);
		return `${sim.baseUrl}/files/${data.taskId}.mp4`;
	}

	const alephCreates = () =>
		sim.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/aleph/generate');

	test('webhook-aleph-restyle-callback: a videoUrl POSTed in, the execution waits for the callback, the response holds the new video URL', async () => {
		const videoUrl = await simulatorVideoUrl();
		const before = alephCreates().length;
		const t0 = Date.now();
		const res = await host.callWebhook(n8n, 'kie-aleph-restyle', {
			videoUrl,
			prompt: 'make it snow',
			reference: 'order-42',
		});
		timings.alephUrl = Date.now() - t0;
		expect(res.status).toBe(200);
		const creates = alephCreates().slice(before);
		expect(creates).toHaveLength(1);
		expect(creates[0].body).toMatchObject({ videoUrl, prompt: 'make it snow' });
		// KIE was told to call this execution back (its resume URL), not polled to the end.
		expect(creates[0].body.callBackUrl).toEqual(expect.stringContaining(`127.0.0.1:${port}/`));
		const { taskId } = res.body;
		expect(sim.getTask(taskId)!.state).toBe('success');
		expect(res.body).toMatchObject({
			taskId,
			status: 'succeeded',
			videoUrl: `${sim.baseUrl}/files/${taskId}.mp4`,
			reference: 'order-42',
			error: null,
		});
		expect(sim.callbacks.filter((c) => c.taskId === taskId).map((c) => c.status)).toContain(200);
		const exec = await host.waitForExecution(n8n, workflows.aleph.id, {
			until: (e) => e.status === 'success',
		});
		expect(exec.data.resultData.runData['KIE Aleph Restyle'][0].data.main[0][0].json).toMatchObject(
			{ taskId, status: 'succeeded' },
		);
	});

	test('webhook-aleph-restyle-callback: a video uploaded as multipart field "video" is streamed to KIE first', async () => {
		const clip = Buffer.alloc(200_000, 7);
		const form = new FormData();
		form.append('prompt', 'make it a watercolor painting');
		form.append('video', new Blob([clip], { type: 'video/mp4' }), 'clip.mp4');
		const before = alephCreates().length;
		const t0 = Date.now();
		const res = await fetch(n8n.webhookUrl('kie-aleph-restyle'), { method: 'POST', body: form });
		timings.alephUpload = Date.now() - t0;
		const body = (await res.json()) as ItemJson;
		expect(res.status).toBe(200);
		const stored = [...sim.uploads.files.values()].filter((f) => f.size === clip.length);
		expect(stored).toHaveLength(1);
		expect(fs.readFileSync(stored[0].diskPath).equals(clip)).toBe(true);
		const creates = alephCreates().slice(before);
		expect(creates).toHaveLength(1);
		expect(creates[0].body).toMatchObject({
			videoUrl: sim.uploads.downloadUrl(stored[0].filePath),
			prompt: 'make it a watercolor painting',
		});
		expect(body).toMatchObject({
			taskId: expect.any(String),
			status: 'succeeded',
			videoUrl: `${sim.baseUrl}/files/${body.taskId}.mp4`,
			reference: null,
		});
	});

	test('luma-submit-to-trigger + luma-trigger-store-result: submit answers at once; KIE calls the trigger workflow, which runs once with the result and the reference', async () => {
		const videoUrl = await simulatorVideoUrl();
		const t0 = Date.now();
		const res = await host.callWebhook(n8n, 'kie-luma-submit', {
			videoUrl,
			prompt: 'snowy evening',
			reference: 'row-17',
		});
		expect(res.status).toBe(200);
		const { taskId } = res.body;
		expect(res.body).toMatchObject({
			taskId: expect.any(String),
			model: 'luma',
			reference: 'row-17',
		});
		expect(['queued', 'processing']).toContain(res.body.status);
		const creates = sim.requests.filter(
			(r) => r.method === 'POST' && r.path === '/api/v1/modify/generate',
		);
		expect(creates).toHaveLength(1);
		expect(creates[0].body).toMatchObject({ videoUrl, prompt: 'snowy evening' });
		const callBackUrl = new URL(creates[0].body.callBackUrl);
		expect(callBackUrl.pathname).toBe(
			`/webhook/${nodeNamed(workflows.lumaTrigger, 'KIE Trigger').webhookId}/kie`,
		);
		expect(callBackUrl.searchParams.get('reference')).toBe('row-17');
		const submitExec = await host.waitForExecution(n8n, workflows.lumaSubmit.id);
		expect(submitExec.status).toBe('success');

		const exec = await host.waitForExecution(n8n, workflows.lumaTrigger.id, {
			until: (e) => e.status === 'success',
			timeoutMs: 30_000,
		});
		timings.lumaSubmitToTrigger = Date.now() - t0;
		expect(exec.mode).toBe('webhook');
		const triggered = exec.data.resultData.runData['KIE Trigger'][0].data.main[0];
		expect(triggered).toHaveLength(1);
		expect(triggered[0].json).toMatchObject({
			taskId,
			model: 'luma',
			status: 'succeeded',
			reference: 'row-17',
			confirmed: true,
		});
		expect(
			exec.data.resultData.runData['Result Record'][0].data.main[0].map((i) => i.json),
		).toEqual([
			{
				reference: 'row-17',
				taskId,
				status: 'succeeded',
				videoUrl: `${sim.baseUrl}/files/${taskId}.mp4`,
				error: '',
				completedAt: expect.any(String),
			},
		]);
		expect(sim.callbacks.filter((c) => c.taskId === taskId).map((c) => c.status)).toEqual([200]);
		await sleep(1500);
		const runs = await host.getExecutions(n8n, workflows.lumaTrigger.id);
		expect(runs).toHaveLength(1);
	});

	test('batch-prompts: 5 prompt rows -> 5 Runway create calls -> 5 succeeded videos collected in row order', async () => {
		const createsBefore = sim.requests.filter(
			(r) => r.method === 'POST' && r.path === '/api/v1/runway/generate',
		).length;
		const t0 = Date.now();
		const res = await host.callWebhook(n8n, 'kie-batch-prompts', {});
		timings.batch = Date.now() - t0;
		expect(res.status).toBe(200);
		const creates = sim.requests
			.filter((r) => r.method === 'POST' && r.path === '/api/v1/runway/generate')
			.slice(createsBefore);
		expect(creates).toHaveLength(5);
		const exec = await host.waitForExecution(n8n, workflows.batch.id);
		expect(exec.status).toBe('success');
		const rows = exec.data.resultData.runData['Prompt Rows'][0].data.main[0].map((i) => i.json);
		expect(rows).toHaveLength(5);
		expect(creates.map((r) => r.body.prompt).sort()).toEqual(rows.map((r) => r.prompt).sort());

		const kieOut = exec.data.resultData.runData['KIE Runway Generate'][0].data.main[0];
		expect(kieOut).toHaveLength(5);
		kieOut.forEach((item, i) => {
			expect(item.json).toMatchObject({
				model: 'runway',
				status: 'succeeded',
				error: null,
				reference: `row-${i + 1}`,
			});
			expect(sim.getTask(item.json.taskId)!.params.prompt).toBe(rows[i].prompt);
		});
		expect(new Set(kieOut.map((i) => i.json.taskId)).size).toBe(5);
		expect(res.body.videos).toEqual(
			rows.map((row, i) => ({
				row: row.row,
				prompt: row.prompt,
				taskId: kieOut[i].json.taskId,
				status: 'succeeded',
				videoUrl: `${sim.baseUrl}/files/${kieOut[i].json.taskId}.mp4`,
				expiresAt: expect.any(String),
			})),
		);
	});

	/**
	 * Every node of a shipped example (sticky notes aside) against this n8n: its type and version
	 * exist, and n8n's parameter resolution keeps every parameter the file sets. Returns the
	 * nodes' `type@typeVersion`, in file order.
	 */
	async function expectEveryNodeKnownToN8n(shipped: WorkflowFile): Promise<string[]> {
		const { installDir } = await host.ensureN8nInstalled();
		// This n8n's own n8n-workflow, so parameters resolve as the editor and the engine resolve them.
		const { NodeHelpers } = (await import(
			path.join(installDir, 'node_modules', 'n8n-workflow')
		)) as typeof import('n8n-workflow');
		const nodes = shipped.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote');
		const descriptions = (await host.restCall(n8n, 'POST', '/node-types', {
			nodeInfos: nodes.map((node) => ({ name: node.type, version: node.typeVersion })),
		})) as INodeTypeDescription[];
		nodes.forEach((node, index) => {
			const description = descriptions[index];
			// n8n names a description without its package: "googleSheets" for n8n-nodes-base.googleSheets.
			expect(`${node.type.split('.')[0]}.${description?.name}`).toBe(node.type);
			expect([description.version].flat()).toContain(node.typeVersion);
			const resolved = NodeHelpers.getNodeParameters(
				description.properties,
				node.parameters as INodeParameters,
				true,
				false,
				node as unknown as INode,
				description,
			);
			expect({ node: node.name, dropped: droppedParameters(node.parameters, resolved) }).toEqual({
				node: node.name,
				dropped: [],
			});
		});
		return nodes.map((node) => `${node.type}@${node.typeVersion}`);
	}

	test('sheet-veo-to-storage as shipped: every node type and version exists in this n8n, and n8n keeps every parameter the file sets; imported inactive, never run', async () => {
		const shipped = readExample('sheet-veo-to-storage.json');
		expect(await expectEveryNodeKnownToN8n(shipped)).toEqual([
			'n8n-nodes-base.scheduleTrigger@1.2',
			'n8n-nodes-base.googleSheets@4.7',
			`${KIE_TYPE}@1.1`,
			'n8n-nodes-base.googleDrive@3',
		]);
		// The KIE node runs the Veo 3.1 text-to-video model and downloads the video the Drive node uploads.
		const kie = nodeNamed(shipped, 'KIE Veo 3.1 Text to Video').parameters;
		expect(kie).toMatchObject({
			resource: 'veo',
			videoModel: 'veo3.1/text-to-video',
			prompt: '={{ $json.prompt }}',
			completionOptions: { downloadResult: true, binaryPropertyName: 'data' },
		});
		expect(nodeNamed(shipped, 'Upload to Google Drive').parameters.inputDataFieldName).toBe('data');

		const stored = await host.restCall(n8n, 'GET', `/workflows/${shipped.id}`);
		expect(stored.active).toBe(false);
		expect(await host.getExecutions(n8n, shipped.id)).toHaveLength(0);
	});

	/** The templates that end in a storage or social node: the file, its nodes, the uploading node and the field it reads the video from. */
	const STORAGE_TEMPLATES = [
		{
			file: 'form-runway-to-google-drive.json',
			nodes: ['n8n-nodes-base.formTrigger@2.3', `${KIE_TYPE}@1.1`, 'n8n-nodes-base.googleDrive@3'],
			upload: { node: 'Upload to Google Drive', binaryField: 'inputDataFieldName' },
		},
		{
			file: 'scheduled-veo-to-s3.json',
			nodes: [
				'n8n-nodes-base.scheduleTrigger@1.2',
				'n8n-nodes-base.set@3.4',
				`${KIE_TYPE}@1.1`,
				'n8n-nodes-base.awsS3@2',
			],
			upload: { node: 'Upload to S3', binaryField: 'binaryPropertyName' },
		},
		{
			file: 'form-veo-to-youtube.json',
			nodes: ['n8n-nodes-base.formTrigger@2.3', `${KIE_TYPE}@1.1`, 'n8n-nodes-base.youTube@1'],
			upload: { node: 'Upload to YouTube', binaryField: 'binaryProperty' },
		},
	];

	test.each(STORAGE_TEMPLATES)(
		'$file as shipped: every node type and version exists in this n8n, n8n keeps every parameter the file sets, the KIE node downloads the video the last node uploads, credentials left to fill in; imported inactive, never run',
		async ({ file, nodes, upload }) => {
			const shipped = readExample(file);
			expect(await expectEveryNodeKnownToN8n(shipped)).toEqual(nodes);
			const kie = shipped.nodes.filter((node) => node.type === KIE_TYPE);
			expect(kie).toHaveLength(1);
			expect(kie[0].parameters).toMatchObject({
				completion: 'poll',
				completionOptions: { downloadResult: true, binaryPropertyName: 'data' },
			});
			const uploader = nodeNamed(shipped, upload.node);
			expect(shipped.connections[kie[0].name].main[0]).toEqual([
				{ node: upload.node, type: 'main', index: 0 },
			]);
			expect(uploader.parameters[upload.binaryField]).toBe('data');
			// The user's own account: no credential shipped on the uploading node.
			expect(uploader.credentials).toBeUndefined();

			const stored = await host.restCall(n8n, 'GET', `/workflows/${shipped.id}`);
			expect(stored.active).toBe(false);
			expect(await host.getExecutions(n8n, shipped.id)).toHaveLength(0);
		},
	);

	test("sheet-veo-to-storage: each sheet row becomes one Veo 3.1 task on Veo's endpoint, polled, downloaded and handed to the storage node as <taskId>.mp4", async () => {
		const creates = () =>
			sim.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/veo/generate');
		const before = creates().length;
		const t0 = Date.now();
		const res = await host.callWebhook(n8n, 'example-sheet-veo', {});
		expect(res.status).toBe(200);
		const exec = await host.waitForExecution(n8n, workflows.sheetVeo.id);
		expect(exec.status).toBe('success');
		timings.sheetVeo = Date.now() - t0;

		const sent = creates().slice(before);
		expect(sent.map((r) => r.body.prompt).sort()).toEqual(SHEET_ROWS.map((r) => r.prompt).sort());
		for (const request of sent) {
			expect(request.body).toMatchObject({
				generationType: 'TEXT_2_VIDEO',
				model: 'veo3_fast',
				aspect_ratio: '16:9',
			});
		}
		const kieOut = exec.data.resultData.runData['KIE Veo 3.1 Text to Video'][0].data.main[0];
		expect(kieOut).toHaveLength(SHEET_ROWS.length);
		kieOut.forEach((item, index) => {
			expect(item.json).toMatchObject({ model: 'veo', status: 'succeeded', error: null });
			expect(String(item.json.reference)).toBe(String(SHEET_ROWS[index].row_number));
			expect(sim.getTask(item.json.taskId)!.params.prompt).toBe(SHEET_ROWS[index].prompt);
			const file = path.join(outDir, `${item.json.taskId}.mp4`);
			expect(fs.readFileSync(file).equals(expectedVideoBytes(item.json.taskId, VIDEO_SIZE))).toBe(
				true,
			);
		});
	});
});
