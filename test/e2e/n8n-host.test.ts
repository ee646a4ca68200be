// The real-n8n harness (scripts/lib/n8n-host) proven on n8n 2.40.7 with a throwaway fixture
// package (test/e2e/fixtures/fixture-package.js) and n8n's own nodes: install (cached), package
// loaded under its real type name, credentials and workflows imported and published while n8n is
// stopped, a production webhook answered, the execution read back (REST and sqlite), and n8n's own
// credential test through its REST API. The first run installs n8n (~3 min); later runs reuse it.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { host, logger, type N8nHandle } from './helpers';

import {
	createFixturePackage,
	FIXTURE_NODE_TYPE,
	FIXTURE_CREDENTIAL_TYPE,
} from './fixtures/fixture-package.js';

jest.setTimeout(15 * 60_000);

const log = logger('n8n-host');
const timings: Record<string, number> = {};

const CREDENTIAL_ID = 'e2eFixtureCred01';
const WORKFLOW_ID = 'e2eHostWorkflow1';
const workflow = {
	id: WORKFLOW_ID,
	name: 'e2e host: webhook -> echo -> set -> respond',
	nodes: [
		{
			id: '1b7f3c1e-0000-4000-8000-000000000001',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: '1b7f3c1e-0000-4000-8000-0000000000aa',
			parameters: {
				httpMethod: 'POST',
				path: 'e2e-host',
				responseMode: 'responseNode',
				options: {},
			},
		},
		{
			id: '1b7f3c1e-0000-4000-8000-000000000002',
			name: 'E2E Echo',
			type: FIXTURE_NODE_TYPE,
			typeVersion: 1,
			position: [220, 0],
			parameters: { greeting: '={{ "hi " + $json.body.who }}' },
			// How a workflow JSON refers to an imported credential: by type, with its id (and name).
			credentials: { [FIXTURE_CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: 'E2E fixture' } },
		},
		{
			id: '1b7f3c1e-0000-4000-8000-000000000003',
			name: 'Set',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [440, 0],
			parameters: {
				mode: 'manual',
				includeOtherFields: true,
				assignments: {
					assignments: [
						{ id: 'a1', name: 'viaSet', value: '={{ $json.body.n * 2 }}', type: 'number' },
					],
				},
				options: {},
			},
		},
		{
			id: '1b7f3c1e-0000-4000-8000-000000000004',
			name: 'Respond to Webhook',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.1,
			position: [660, 0],
			parameters: {
				respondWith: 'json',
				responseBody:
					'={{ JSON.stringify({ echoed: $json.echoed, greeting: $json.greeting, zodOk: $json.zodOk, viaSet: $json.viaSet }) }}',
				options: {},
			},
		},
	],
	connections: {
		Webhook: { main: [[{ node: 'E2E Echo', type: 'main', index: 0 }]] },
		'E2E Echo': { main: [[{ node: 'Set', type: 'main', index: 0 }]] },
		Set: { main: [[{ node: 'Respond to Webhook', type: 'main', index: 0 }]] },
	},
	settings: { executionOrder: 'v1' },
};

describe('real n8n (scripts/lib/n8n-host)', () => {
	let userFolder: string;
	let fixtureRoot: string;
	let n8n: N8nHandle;
	let keyServer: http.Server;
	let keyServerUrl: string;
	const keyServerHits: string[] = [];

	beforeAll(async () => {
		// The credential test's target: answers { ok: true } only for the right key.
		keyServer = http.createServer((req, res) => {
			keyServerHits.push(`${req.method} ${req.url} ${req.headers['x-api-key'] ?? ''}`);
			res.setHeader('content-type', 'application/json');
			res.end(
				JSON.stringify({ ok: req.url === '/check' && req.headers['x-api-key'] === 'good-key' }),
			);
		});
		await new Promise<void>((r) => keyServer.listen(0, '127.0.0.1', r));
		keyServerUrl = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-host-e2e-'));
		fixtureRoot = createFixturePackage();
	});

	afterAll(async () => {
		await n8n?.stop();
		await new Promise((r) => keyServer?.close(r));
		log(`timings (s): ${JSON.stringify(timings)}`);
		if (!process.env.KEEP_N8N_E2E) {
			fs.rmSync(userFolder, { recursive: true, force: true });
			fs.rmSync(fixtureRoot, { recursive: true, force: true });
		} else log(`kept user folder ${userFolder}`);
	});

	test('installs n8n once, then reuses the cache in under a second', async () => {
		let t = Date.now();
		const first = await host.ensureN8nInstalled({ log });
		timings.ensureInstalled = (Date.now() - t) / 1000;
		t = Date.now();
		const again = await host.ensureN8nInstalled({ log });
		timings.cachedEnsure = (Date.now() - t) / 1000;
		expect(again).toEqual(first);
		expect(timings.cachedEnsure).toBeLessThan(1);
		expect(fs.existsSync(first.n8nBin)).toBe(true);
		expect(first.installDir.startsWith(host.REPO_ROOT + path.sep)).toBe(false);
		expect(
			JSON.parse(
				fs.readFileSync(path.join(first.installDir, 'node_modules', 'n8n', 'package.json'), 'utf8'),
			).version,
		).toBe('2.40.7');
	});

	test('the packed package loads under its real type name (export:nodes)', async () => {
		const installed = host.installPackageInto(userFolder, fixtureRoot, { build: false, log });
		expect(installed.dir).toBe(
			path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-e2e-fixture'),
		);
		const out = path.join(userFolder, 'nodes.json');
		const t = Date.now();
		await host.n8nCli(['export:nodes', `--output=${out}`], { userFolder, log });
		timings.exportNodes = (Date.now() - t) / 1000;
		const names = JSON.parse(fs.readFileSync(out, 'utf8')).map((n: { name: string }) => n.name);
		expect(names).toContain(FIXTURE_NODE_TYPE);
		expect(names).toContain('n8n-nodes-base.webhook');
	});

	test('imports a credential (stored encrypted) and publishes a workflow while n8n is stopped', async () => {
		let t = Date.now();
		await host.importCredentials(userFolder, [
			{
				id: CREDENTIAL_ID,
				name: 'E2E fixture',
				type: FIXTURE_CREDENTIAL_TYPE,
				data: { apiKey: 'good-key', baseUrl: keyServerUrl },
			},
		]);
		timings.importCredentials = (Date.now() - t) / 1000;
		t = Date.now();
		await host.importWorkflows(userFolder, [workflow]);
		timings.importAndPublishWorkflow = (Date.now() - t) / 1000;
		const db = fs.readFileSync(path.join(userFolder, '.n8n', 'database.sqlite'));
		expect(db.includes(Buffer.from('good-key'))).toBe(false);
	});

	test('starts, and the production webhook runs fixture node + n8n nodes', async () => {
		const t = Date.now();
		n8n = await host.startN8n({ userFolder, log });
		timings.startToReady = (Date.now() - t) / 1000;
		const res = await host.callWebhook(n8n, 'e2e-host', { who: 'n8n', n: 21 });
		expect(res.status).toBe(200);
		expect(res.body).toEqual({ echoed: true, greeting: 'hi n8n', zodOk: true, viaSet: 42 });
	});

	test('reads the execution back through the REST API', async () => {
		const exec = await host.waitForExecution(n8n, WORKFLOW_ID);
		expect(exec).toMatchObject({
			workflowId: WORKFLOW_ID,
			status: 'success',
			finished: true,
			mode: 'webhook',
		});
		const runData = exec.data.resultData.runData;
		expect(Object.keys(runData).sort()).toEqual([
			'E2E Echo',
			'Respond to Webhook',
			'Set',
			'Webhook',
		]);
		expect(runData['E2E Echo'][0].data.main[0][0].json).toMatchObject({
			echoed: true,
			greeting: 'hi n8n',
		});
	});

	test("n8n's credential test through REST: OK for the right key, Error otherwise", async () => {
		const ok = await host.testCredential(n8n, {
			type: FIXTURE_CREDENTIAL_TYPE,
			data: { apiKey: 'good-key', baseUrl: keyServerUrl },
		});
		expect(ok).toEqual({ status: 'OK', message: expect.any(String) });
		const bad = await host.testCredential(n8n, {
			type: FIXTURE_CREDENTIAL_TYPE,
			data: { apiKey: 'wrong', baseUrl: keyServerUrl },
		});
		expect(bad).toEqual({ status: 'Error', message: 'The fixture server said the key is not ok' });
		const down = await host.testCredential(n8n, {
			type: FIXTURE_CREDENTIAL_TYPE,
			data: { apiKey: 'good-key', baseUrl: 'http://127.0.0.1:1' },
		});
		expect(down.status).toBe('Error');
		// A stored credential, tested by id with the data the editor would send.
		const stored = await host.testCredential(n8n, {
			id: CREDENTIAL_ID,
			name: 'E2E fixture',
			type: FIXTURE_CREDENTIAL_TYPE,
			data: { apiKey: 'good-key', baseUrl: keyServerUrl },
		});
		expect(stored.status).toBe('OK');
		expect(keyServerHits).toContain('GET /check good-key');
		expect(keyServerHits).toContain('GET /check wrong');
	});

	test('stops cleanly, and the execution is readable from sqlite afterwards', async () => {
		const t = Date.now();
		await n8n.stop();
		timings.stop = (Date.now() - t) / 1000;
		expect(n8n.process.exitCode !== null || n8n.process.signalCode !== null).toBe(true);
		const execs = await host.getExecutions(userFolder, WORKFLOW_ID);
		expect(execs).toHaveLength(1);
		expect(execs[0]).toMatchObject({ status: 'success', finished: true });
		expect(execs[0].startedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
		expect(execs[0].data.resultData.runData['Set'][0].data.main[0][0].json.viaSet).toBe(42);
	});
});
