// Shared pieces of the callback e2e tests (kie-callbacks, kie-trigger): a real n8n in its own temp
// user folder with this package installed (built beforehand: `npm run build`), a KIE simulator, and a
// tiny collector server that the workflows' last node posts its items to.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const host = require('../../scripts/lib/n8n-host.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const simulatorLib = require('../../simulator/index.js');

export const PACKAGE = 'n8n-nodes-kie-video';
export const KIE_TYPE = `${PACKAGE}.kie`;
export const TRIGGER_TYPE = `${PACKAGE}.kieTrigger`;
export const CREDENTIAL_TYPE = 'kieApi';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function logger(tag: string) {
	return (line: string) => process.stderr.write(`[${tag}] ${line}\n`);
}

export interface Collected {
	query: Record<string, string>;
	body: any;
	at: number;
}

/** An HTTP server that records every POST body (JSON) with its query, answering 200. */
export async function startCollector() {
	const received: Collected[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://x');
			let body: any = Buffer.concat(chunks).toString('utf8');
			try {
				body = JSON.parse(body);
			} catch {
				/* keep text */
			}
			received.push({ query: Object.fromEntries(url.searchParams), body, at: Date.now() });
			res.setHeader('content-type', 'application/json');
			res.end('{"ok":true}');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		received,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

/** POST a body (object: JSON, string: as is) to a URL; never throws on HTTP errors. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
	// Header names are case-insensitive: a recorded 'Content-Type' replaces the default one.
	const merged: Record<string, string> = { 'content-type': 'application/json' };
	for (const [name, value] of Object.entries(headers)) {
		if (name.toLowerCase() !== 'content-length') merged[name.toLowerCase()] = value;
	}
	const res = await fetch(url, {
		method: 'POST',
		headers: merged,
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let parsed: any = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		/* text */
	}
	return { status: res.status, body: parsed, text };
}

/** The last node of the test workflows: posts each item's json to the collector, tagged with the execution id. */
export function collectorNode(collectorUrl: string, name = 'Collect', position: [number, number] = [880, 0]) {
	return {
		id: `c0ffee00-0000-4000-8000-${name.padEnd(12, '0').slice(0, 12).replace(/[^0-9a-f]/gi, '0')}`,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position,
		parameters: {
			method: 'POST',
			url: `=${collectorUrl}/collect?exec={{ $execution.id }}&item={{ $itemIndex }}`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
	};
}

export interface N8nEnv {
	n8n: any;
	userFolder: string;
	stop(): Promise<void>;
}

/**
 * Installs the built package into a fresh temp user folder, imports credentials and (published)
 * workflows, and starts n8n on free ports.
 */
export async function startN8nWith(
	tag: string,
	credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>,
	workflows: any[],
): Promise<N8nEnv> {
	const log = logger(tag);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-${tag}-`));
	await host.ensureN8nInstalled({ log });
	// KIE_E2E_PACKAGE_ROOT: try another build of the package (e.g. a patched copy) against the same tests.
	const packageRoot = process.env.KIE_E2E_PACKAGE_ROOT || host.REPO_ROOT;
	if (packageRoot !== host.REPO_ROOT) log(`package under test from ${packageRoot}`);
	host.installPackageInto(userFolder, packageRoot, { build: false, log });
	await host.importCredentials(userFolder, credentials, { log });
	await host.importWorkflows(userFolder, workflows, { publish: true, log });
	const n8n = await host.startN8n({ userFolder, log });
	return {
		n8n,
		userFolder,
		async stop() {
			await n8n.stop();
			if (process.env.KEEP_N8N_E2E) log(`kept user folder ${userFolder}`);
			else fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
}

/** Executions of a workflow straight from sqlite (cheap; n8n may be running), newest first. */
export async function executionsOf(userFolder: string, workflowId: string): Promise<any[]> {
	return await host.getExecutions(userFolder, workflowId);
}

/** Polls until `check` returns a truthy value, or throws after timeoutMs. */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
	timeoutMs = 60_000,
	everyMs = 250,
	detail?: () => unknown,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value as T;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `; ${JSON.stringify(detail())}` : ''}`);
		await sleep(everyMs);
	}
}

/**
 * The workflow both callback-mode e2e files run: Webhook (body.items) -> Split Out -> KIE runway
 * generate in callback mode (prompt, reference and time limit from each item) -> the collector.
 * Node ids are `<idPrefix>-0000-4000-8000-00000000000N` (KIE is N = 3).
 */
export function callbackModeWorkflow(options: { id: string; name: string; webhookPath: string; credentialId: string; collectorUrl: string; idPrefix: string }) {
	const uuid = (n: number) => `${options.idPrefix}-0000-4000-8000-00000000000${n}`;
	return {
		id: options.id,
		name: options.name,
		nodes: [
			{
				id: uuid(1),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: uuid(9),
				parameters: { httpMethod: 'POST', path: options.webhookPath, responseMode: 'onReceived', options: {} },
			},
			{
				id: uuid(2),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} },
			},
			{
				id: uuid(3),
				name: 'KIE',
				type: KIE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'runway',
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					reference: '={{ $json.ref }}',
					completion: 'callback',
					completionOptions: { timeoutMinutes: '={{ $json.timeoutMinutes }}' },
				},
				credentials: { [CREDENTIAL_TYPE]: { id: options.credentialId, name: options.credentialId } },
			},
			collectorNode(options.collectorUrl, 'Collect', [660, 0]),
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'KIE', type: 'main', index: 0 }]] },
			KIE: { main: [[{ node: 'Collect', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * A KIE Trigger workflow (default options) whose items go to the collector. Node ids are
 * `<idPrefix>-0000-4000-8000-00000000000N`; the production URL is `/webhook/<webhookId>/kie`.
 */
export function triggerWorkflow(options: { id: string; name: string; webhookId: string; credentialId: string; collectorUrl: string; idPrefix: string }) {
	return {
		id: options.id,
		name: options.name,
		nodes: [
			{
				id: `${options.idPrefix}-0000-4000-8000-000000000001`,
				name: 'KIE Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: options.webhookId,
				parameters: { options: {} },
				credentials: { [CREDENTIAL_TYPE]: { id: options.credentialId, name: options.credentialId } },
			},
			collectorNode(options.collectorUrl, 'Collect', [240, 0]),
		],
		connections: { 'KIE Trigger': { main: [[{ node: 'Collect', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
