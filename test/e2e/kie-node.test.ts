// The KIE node in a real n8n 2.40.7 with the packed package installed under its real type names, against
// the KIE simulator: credits through a production webhook, a wrong key (clear error, key never leaked),
// n8n's own credential test, a 3-item Runway batch written to disk by n8n's Read/Write Files node,
// Aleph from a binary made by an earlier node (stream upload first), the Get operation on finished
// tasks, and the node types n8n lists.
// One n8n for the whole file. Needs `npm run build` first (the package is packed from dist/).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	chainWorkflow,
	createSimTask,
	CREDENTIAL_TYPE,
	host,
	KIE_TYPE,
	kieCredential,
	type ItemJson,
	type KieN8n,
	kieNode,
	type N8nHandle,
	n8nNode,
	RUNWAY_CREATE_PATH,
	runwayGenerateParameters,
	type Simulator,
	simulatorLib,
	startN8nWithKie,
	TRIGGER_TYPE,
	waitFor,
	webhookNode,
} from './helpers';

const { createSimulator, expectedVideoBytes, expectedVideoSha256 } = simulatorLib;

const VIDEO_SIZE = 3 * 1024 * 1024 + 4321; // a few MB, not a multiple of the simulator's 64 KiB chunk
const CLIP_SIZE = 300_000; // the "video" the HTTP Request node downloads for Aleph
const WRONG_KEY = 'wrong-key-5c1f9e7a2b3d';
const CRED = 'kieSimCred';
const BAD_CRED = 'kieBadKeyCred';

const WF = {
	credits: 'kieE2eCredits01',
	badKey: 'kieE2eBadKey001',
	batch: 'kieE2eRunway003',
	aleph: 'kieE2eAlephBin1',
	get: 'kieE2eRunwayGet1',
};

const sha256 = (buf: Buffer) => crypto.createHash('sha256').update(buf).digest('hex');

describe('KIE node in real n8n (installed package, simulator as KIE)', () => {
	let sim: Simulator;
	let env: KieN8n;
	let n8n: N8nHandle;
	let outDir: string;
	let clipServer: http.Server;
	let clipUrl: string;
	const clip = crypto.randomBytes(CLIP_SIZE);

	beforeAll(async () => {
		sim = await createSimulator({
			host: '127.0.0.1',
			port: 0,
			uploadPort: 0,
			apiKeys: ['sim-key'],
			taskDurationMs: 3000,
			videoSizeBytes: VIDEO_SIZE,
		});
		clipServer = http.createServer((req, res) => {
			if (req.url !== '/clip.mp4') {
				res.writeHead(404).end();
				return;
			}
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(clip.length) });
			res.end(clip);
		});
		await new Promise<void>((r) => clipServer.listen(0, '127.0.0.1', r));
		clipUrl = `http://127.0.0.1:${(clipServer.address() as AddressInfo).port}/clip.mp4`;
		// Outside the user folder: n8n blocks file access to its own folder, and by default allows only ~/.n8n-files.
		outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-e2e-out-'));

		const workflows = [
			chainWorkflow(WF.credits, 'KIE e2e: credits', [
				webhookNode('kie-credits', { responseData: 'firstEntryJson' }),
				kieNode('KIE Credits', CRED, { resource: 'account', operation: 'getCredits' }),
			]),
			chainWorkflow(WF.badKey, 'KIE e2e: credits with a wrong key', [
				webhookNode('kie-credits-bad-key', { responseData: 'firstEntryJson' }),
				kieNode('KIE Credits', BAD_CRED, { resource: 'account', operation: 'getCredits' }),
			]),
			chainWorkflow(WF.batch, 'KIE e2e: three Runway videos to disk', [
				webhookNode('kie-runway-batch'),
				n8nNode('Prompts', 'n8n-nodes-base.code', 2, {
					jsCode:
						'return $input.first().json.body.prompts.map((prompt) => ({ json: { prompt } }));',
				}),
				kieNode(
					'KIE Runway',
					CRED,
					runwayGenerateParameters({
						downloadResult: true,
						pollIntervalSeconds: 1,
						timeoutMinutes: 5,
					}),
				),
				n8nNode('Write Video', 'n8n-nodes-base.readWriteFile', 1.1, {
					operation: 'write',
					fileName: `=${outDir}/{{ $json.taskId }}.mp4`,
					dataPropertyName: 'data',
					options: {},
				}),
			]),
			chainWorkflow(WF.aleph, 'KIE e2e: Aleph from a downloaded binary', [
				webhookNode('kie-aleph-binary'),
				n8nNode('Download Clip', 'n8n-nodes-base.httpRequest', 4.2, {
					method: 'GET',
					url: clipUrl,
					options: {
						response: { response: { responseFormat: 'file', outputPropertyName: 'data' } },
					},
				}),
				kieNode('KIE Aleph', CRED, {
					resource: 'aleph',
					operation: 'generate',
					prompt: 'make it a watercolor painting',
					videoSource: 'binary',
					videoBinaryProperty: 'data',
					referenceImageSource: 'none',
					additionalFields: {},
					completion: 'poll',
					completionOptions: { pollIntervalSeconds: 1, timeoutMinutes: 5 },
				}),
			]),
			chainWorkflow(WF.get, 'KIE e2e: Get finished tasks', [
				webhookNode('kie-get'),
				n8nNode('Task Ids', 'n8n-nodes-base.code', 2, {
					jsCode:
						'return $input.first().json.body.taskIds.map((taskId) => ({ json: { taskId } }));',
				}),
				kieNode('KIE Get', CRED, {
					resource: 'runway',
					operation: 'get',
					taskId: '={{ $json.taskId }}',
				}),
			]),
		];
		env = await startN8nWithKie({
			tag: 'kie-node',
			credentials: [kieCredential(CRED, sim), kieCredential(BAD_CRED, sim, { apiKey: WRONG_KEY })],
			workflows,
			env: { N8N_RESTRICT_FILE_ACCESS_TO: outDir },
		});
		n8n = env.n8n;
	});

	afterAll(async () => {
		await env?.stop();
		await sim?.close();
		await new Promise((r) => clipServer?.close(r));
		if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
	});

	test('n8n lists both node types of the installed package, with their display names', async () => {
		await host.loginOwner(n8n);
		const res = await fetch(`${n8n.baseUrl}/types/nodes.json`, {
			headers: { cookie: n8n.cookie, 'browser-id': 'n8n-host-e2e' },
		});
		expect(res.status).toBe(200);
		const types = (await res.json()) as { name: string; displayName: string }[];
		const byName = new Map(types.map((t) => [t.name, t.displayName]));
		expect(byName.get(KIE_TYPE)).toBe('KIE');
		expect(byName.get(TRIGGER_TYPE)).toBe('KIE Trigger');
		// And n8n's node-types REST endpoint resolves the full type names (n8n 2.40.7 answers with the
		// node's own description, whose `name` is the short one: 'kie', 'kieTrigger').
		const described = await host.restCall(n8n, 'POST', '/node-types', {
			nodeInfos: [
				{ name: KIE_TYPE, version: 1 },
				{ name: TRIGGER_TYPE, version: 1 },
			],
		});
		expect(
			described.map((d: { name: string; displayName: string }) => [d.name, d.displayName]),
		).toEqual([
			['kie', 'KIE'],
			['kieTrigger', 'KIE Trigger'],
		]);
	});

	test('Webhook -> KIE account:getCredits answers with the simulator balance', async () => {
		const res = await host.callWebhook(n8n, 'kie-credits', {});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ credits: sim.credits });
		expect(typeof sim.credits).toBe('number');
		const exec = await host.waitForExecution(n8n, WF.credits);
		expect(exec.status).toBe('success');
		expect(sim.count('GET /api/v1/chat/credit')).toBe(1);
	});

	test('a wrong API key ends the execution with a clear error, and the key appears nowhere', async () => {
		const res = await host.callWebhook(n8n, 'kie-credits-bad-key', {});
		expect(res.status).toBeGreaterThanOrEqual(400);
		const exec = await host.waitForExecution(n8n, WF.badKey);
		expect(exec.status).toBe('error');
		expect(exec.data.resultData.error?.message).toBe(
			'KIE rejected the API key (code 401): You do not have access permissions',
		);
		expect(exec.data.resultData.lastNodeExecuted).toBe('KIE Credits');
		// The simulator saw the wrong key (redacted in its log), so the request really was made with it.
		expect(sim.count('GET /api/v1/chat/credit')).toBe(2);
		expect(JSON.stringify(exec)).not.toContain(WRONG_KEY);
		expect(res.text).not.toContain(WRONG_KEY);
		expect(fs.readFileSync(n8n.logFile, 'utf8')).not.toContain(WRONG_KEY);
		const [row] = await host.sqliteQuery(
			env.userFolder,
			'SELECT data FROM execution_data WHERE executionId = ?',
			[Number(exec.id)],
		);
		expect(row.data).not.toContain(WRONG_KEY);
	});

	test("n8n's credential test (REST): OK for the simulator key, a clear Error for a wrong one", async () => {
		const ok = await host.testCredential(n8n, {
			type: CREDENTIAL_TYPE,
			data: kieCredential('x', sim).data,
		});
		expect(ok.status).toBe('OK');
		const bad = await host.testCredential(n8n, {
			type: CREDENTIAL_TYPE,
			data: kieCredential('x', sim, { apiKey: WRONG_KEY }).data,
		});
		expect(bad.status).toBe('Error');
		expect(bad.message).toContain('KIE rejected the API key (code 401)');
		// A stored credential, tested by id (the editor sends the redacted form; n8n fills in the secret).
		const stored = await host.testCredential(n8n, {
			id: CRED,
			name: CRED,
			type: CREDENTIAL_TYPE,
			data: kieCredential(CRED, sim).data,
		});
		expect(stored.status).toBe('OK');
	});

	test('3 prompts -> Runway generate (poll, download) -> Read/Write Files writes the three simulator videos', async () => {
		const prompts = ['a red fox in snow', 'a lighthouse at dusk', 'rain on a tin roof'];
		const createsBefore = sim.count('POST /api/v1/runway/generate');
		const res = await host.callWebhook(n8n, 'kie-runway-batch', { prompts });
		expect(res.status).toBe(200);
		const exec = await host.waitForExecution(n8n, WF.batch);
		expect(exec.status).toBe('success');

		expect(sim.count('POST /api/v1/runway/generate') - createsBefore).toBe(3);
		const created = sim.requests.filter(
			(r) => r.method === 'POST' && r.path === '/api/v1/runway/generate',
		);
		// Creates run concurrently, so their order is free; each output item is matched to its prompt below.
		expect(created.map((r) => r.body.prompt).sort()).toEqual([...prompts].sort());

		const kieOut = exec.data.resultData.runData['KIE Runway'][0].data.main[0];
		expect(kieOut).toHaveLength(3);
		const taskIds: string[] = kieOut.map((item) => item.json.taskId);
		expect(new Set(taskIds).size).toBe(3);
		kieOut.forEach((item, i) => {
			expect(item.json).toMatchObject({ model: 'runway', status: 'succeeded', error: null });
			expect(item.pairedItem).toMatchObject({ item: i });
			expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4' });
			expect(sim.getTask(item.json.taskId)!.params.prompt).toBe(prompts[i]);
		});
		// The webhook answered with the written files' items, in order.
		expect(res.body.map((item: ItemJson) => item.taskId)).toEqual(taskIds);

		for (const taskId of taskIds) {
			const file = path.join(outDir, `${taskId}.mp4`);
			expect(fs.existsSync(file)).toBe(true);
			const bytes = fs.readFileSync(file);
			expect(bytes.length).toBe(VIDEO_SIZE);
			expect(sha256(bytes)).toBe(expectedVideoSha256(taskId, VIDEO_SIZE));
			expect(bytes.equals(expectedVideoBytes(taskId, VIDEO_SIZE))).toBe(true);
		}
		expect(fs.readdirSync(outDir).sort()).toEqual(taskIds.map((id) => `${id}.mp4`).sort());
	});

	test('Aleph from a binary made by an earlier node: streamed upload, then its URL in the create call', async () => {
		const uploadsBefore = sim.requests.filter((r) => r.listener === 'upload').length;
		const res = await host.callWebhook(n8n, 'kie-aleph-binary', {});
		expect(res.status).toBe(200);
		const exec = await host.waitForExecution(n8n, WF.aleph);
		expect(exec.status).toBe('success');

		const uploads = sim.requests.filter((r) => r.listener === 'upload').slice(uploadsBefore);
		expect(uploads.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/file-stream-upload']);
		const stored = [...sim.uploads.files.values()];
		expect(stored).toHaveLength(1);
		expect(stored[0].size).toBe(CLIP_SIZE);
		expect(sha256(fs.readFileSync(stored[0].diskPath))).toBe(sha256(clip));

		const creates = sim.requests.filter(
			(r) => r.method === 'POST' && r.path === '/api/v1/aleph/generate',
		);
		expect(creates).toHaveLength(1);
		const uploadedUrl = sim.uploads.downloadUrl(stored[0].filePath);
		expect(uploadedUrl.startsWith(sim.uploadBaseUrl)).toBe(true);
		expect(creates[0].body.videoUrl).toBe(uploadedUrl);
		expect(creates[0].body.prompt).toBe('make it a watercolor painting');

		const out = exec.data.resultData.runData['KIE Aleph'][0].data.main[0];
		expect(out).toHaveLength(1);
		expect(out[0].json).toMatchObject({ model: 'aleph', status: 'succeeded', error: null });
		expect(out[0].json.videoUrl).toEqual(expect.stringContaining(out[0].json.taskId));
	});

	test('Get: a succeeded and a failed Runway task, read from the status API, one item each', async () => {
		const body = (prompt: string) => ({
			prompt,
			duration: 5,
			quality: '720p',
			aspectRatio: '16:9',
		});
		const ok = await createSimTask(sim, RUNWAY_CREATE_PATH, body('a harbour at dawn'));
		const failed = await createSimTask(sim, RUNWAY_CREATE_PATH, body('a harbour at dawn [fail]'));
		await waitFor(
			'both tasks to end',
			() => [ok, failed].every((id) => ['success', 'fail'].includes(sim.getTask(id)!.state)),
			30_000,
		);
		const res = await host.callWebhook(n8n, 'kie-get', { taskIds: [ok, failed] });
		expect(res.status).toBe(200);
		const exec = await host.waitForExecution(n8n, WF.get);
		expect(exec.status).toBe('success');
		const [okItem, failedItem] = res.body as ItemJson[];
		expect(okItem).toMatchObject({
			taskId: ok,
			model: 'runway',
			status: 'succeeded',
			videoUrl: `${sim.baseUrl}/files/${ok}.mp4`,
			error: null,
		});
		expect(failedItem).toMatchObject({ taskId: failed, model: 'runway', status: 'failed' });
		expect(failedItem.videoUrl).toBeNull();
		expect(failedItem.error?.message.length).toBeGreaterThan(0);
	});
});
