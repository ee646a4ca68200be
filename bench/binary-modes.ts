// Figure 7: a result video streamed into n8n's binary data and back out to KIE's file upload, on real
// n8n in each of its binary-data modes, at 64 MiB, 512 MiB and 2 GiB. One workflow: Webhook (answers
// with the last node) -> KIE Runway "get" with Download Result -> KIE file upload of that binary. The
// bench samples the RSS of n8n's process group from /proc and reads the kernel's peaks; the KIE nodes'
// start and run times in the execution's data split the samples into the download and the upload.
// Beside each transfer: the same bytes moved by plain Node streams in a fresh process (binary-copy.ts).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import * as queueCluster from '../scripts/lib/queue-cluster';
import {
	chainWorkflow,
	host,
	kieCredential,
	kieNode,
	logger,
	type N8nHandle,
	simulatorLib,
	startN8nWithKie,
	webhookNode,
} from '../test/e2e/helpers';
import type { CopyJob, CopyMessage } from './binary-copy';
import { createRunwayTask, runwayState } from './peer-poller';
import {
	configureSimulator,
	MemorySampler,
	processGroup,
	startSimulatorProcess,
	type SimulatorProcess,
} from './processes';
import { machineLines, markdownTable, progress, type Machine } from './report';
import { API_KEY } from './sim';

const MiB = 2 ** 20;
const DEFAULT_SIZES_MiB = [64, 512, 2048];
const WARM_UP_BYTES = MiB;
const GOAL_RATIO = 1.1;
const SAMPLE_EVERY_MS = 20;
/** After the webhook answered: n8n saves the execution (in memory mode, with the whole file). */
const SETTLE_MS = 2000;
const CREDENTIAL = 'benchBinCred0001';
const WORKFLOW = 'benchBinModes001';
const HOOK = 'bench-binary-modes';
const V1 = '1.123.81';
const REPO_ROOT = path.resolve(__dirname, '..');

/** V8's longest string (2^29 − 24 characters on 64-bit), which n8n 1.x's memory mode runs into. */
const V8_MAX_STRING = 536_870_888;
/** The largest file whose base64 fits in one V8 string (4 characters per 3 bytes). */
const V8_MAX_BASE64_BYTES = Math.floor(V8_MAX_STRING / 4) * 3;

interface Mode {
	key: string;
	label: string;
	/** KIE_N8N_VERSION for the harness (undefined: the pinned n8n). */
	n8nVersion?: string;
	env: Record<string, string>;
	/** Queue mode: Redis, PostgreSQL, one main and one worker (scripts/lib/queue-cluster.js). */
	queue?: boolean;
	/** Why a size cannot work in this mode (it is then not tried), or undefined. */
	cannot(bytes: number): string | undefined;
}

export const MODES: Mode[] = [
	{
		key: 'filesystem',
		label: 'filesystem (n8n 2.40.7, its default in regular mode)',
		env: {},
		cannot: () => undefined,
	},
	{
		key: 'database',
		label: 'database (n8n 2.40.7, N8N_DEFAULT_BINARY_DATA_MODE=database; queue mode’s default)',
		env: { N8N_DEFAULT_BINARY_DATA_MODE: 'database' },
		cannot: (bytes) =>
			bytes > 1024 * MiB
				? 'n8n refuses it: database mode stores files up to N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE, 512 MiB by default and 1024 MiB at most (n8n-core BinaryDataConfig), each read into one Buffer'
				: undefined,
	},
	{
		key: 'database-queue',
		label: 'database (n8n 2.40.7 in queue mode: PostgreSQL, main + 1 worker; its default there)',
		env: {},
		queue: true,
		cannot: (bytes) =>
			bytes > 1024 * MiB
				? 'n8n refuses it: database mode stores files up to N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE, 512 MiB by default and 1024 MiB at most'
				: undefined,
	},
	{
		key: 'memory-1x',
		label: `memory (n8n ${V1}, the 1.x default)`,
		n8nVersion: V1,
		env: {},
		cannot: (bytes) =>
			bytes > 512 * MiB
				? `n8n 1.x keeps the file in the item as one base64 string, and V8's longest string is ${V8_MAX_STRING} characters: at most ${V8_MAX_BASE64_BYTES} bytes (384 MiB) fit (the 512 MiB run shows the failure)`
				: undefined,
	},
	{
		key: 'filesystem-1x',
		label: `filesystem (n8n ${V1}, N8N_DEFAULT_BINARY_DATA_MODE=filesystem)`,
		n8nVersion: V1,
		env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
		cannot: () => undefined,
	},
];

interface Phase {
	growthMiB: number | null;
	ms: number | null;
}

export interface BinaryRow {
	mode: Mode;
	sizeMiB: number;
	/** 'ok', or what went wrong, or why it was not tried. */
	outcome: string;
	tried: boolean;
	/** Where n8n put the binary: the prefix of its id, or "in the item" (no id). */
	storedAs?: string;
	baselineMiB?: number;
	download?: Phase;
	upload?: Phase;
	/** The whole execution, saving included. */
	executionGrowthMiB?: number;
	copyDownload?: Phase;
	copyUpload?: Phase;
	bytesMatch?: boolean;
}

/** Webhook (answers with the upload's item) -> KIE get + Download Result -> KIE upload. */
function workflow() {
	return chainWorkflow(WORKFLOW, 'bench: binary data modes', [
		webhookNode(HOOK, { responseMode: 'lastNode', responseData: 'firstEntryJson' }),
		kieNode('Download', CREDENTIAL, {
			resource: 'runway',
			operation: 'get',
			taskId: '={{ $json.body.taskId }}',
			getOptions: { downloadResult: true },
		}),
		kieNode('Upload', CREDENTIAL, {
			resource: 'file',
			operation: 'upload',
			source: 'binary',
			binaryPropertyName: 'data',
			uploadPath: 'bench/binary-modes',
		}),
	]);
}

/** POST JSON without a time limit (fetch gives up on headers after 300 s; a 2 GiB run may take longer). */
function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const request = http.request(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', connection: 'close' },
		});
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
			);
		});
		request.on('error', reject);
		request.end(JSON.stringify(body));
	});
}

async function sha256OfUrl(url: string): Promise<string> {
	const hash = createHash('sha256');
	await new Promise<void>((resolve, reject) => {
		http
			.get(url, (response) => {
				response.on('data', (chunk: Buffer) => hash.update(chunk));
				response.on('end', resolve);
				response.on('error', reject);
			})
			.on('error', reject);
	});
	return hash.digest('hex');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface NodeRun {
	startTime: number;
	executionTime: number;
	error?: { message?: string };
	data?: {
		main: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, { id?: string }> }>>;
	};
}

interface ExecutionView {
	status: string;
	runData: Record<string, NodeRun[]>;
	error?: string;
}

/** The newest execution of the workflow, read from n8n's sqlite (only that one: in memory mode it holds the file). */
async function newestExecutionInSqlite(userFolder: string): Promise<ExecutionView> {
	const rows = await host.sqliteQuery(
		userFolder,
		'SELECT e.status, d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? ORDER BY e.id DESC LIMIT 1',
		[WORKFLOW],
	);
	if (!rows.length) throw new Error('no execution was saved');
	const { installDir } = await host.ensureN8nInstalled({ log: () => {} });
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const flatted = require(path.join(installDir, 'node_modules', 'flatted'));
	const data = flatted.parse(rows[0].data);
	return {
		status: rows[0].status,
		runData: data.resultData.runData,
		error: data.resultData.error?.message,
	};
}

/** What the bench needs of a running n8n, in regular or in queue mode. */
interface RunningN8n {
	handle: N8nHandle;
	/** The processes whose memory counts: n8n's process group (with its task runner); in queue mode main's and the worker's. */
	pids(): number[];
	newestExecution(): Promise<ExecutionView>;
	stop(): Promise<void>;
}

async function startN8nFor(mode: Mode, simulator: SimulatorProcess): Promise<RunningN8n> {
	const credentials = [kieCredential(CREDENTIAL, simulator)];
	if (mode.queue) {
		const cluster = await queueCluster.startQueueCluster({
			tag: `bench-binary-${mode.key}`,
			credentials,
			workflows: [workflow()],
			workers: 1,
			packageRoot: process.env.KIE_E2E_PACKAGE_ROOT || host.REPO_ROOT,
			env: mode.env,
			log: logger(`bench-binary-${mode.key}`),
		});
		const handles: N8nHandle[] = [cluster.main, ...cluster.workers];
		return {
			handle: cluster.main,
			pids: () => handles.flatMap((handle) => processGroup(handle.process.pid!)),
			newestExecution: async () => {
				const [newest] = await host.getExecutions(cluster.main, WORKFLOW);
				if (!newest) throw new Error('no execution was saved');
				const data = newest.data as unknown as {
					resultData: { runData: Record<string, NodeRun[]>; error?: { message?: string } };
				};
				return {
					status: newest.status,
					runData: data.resultData.runData,
					error: data.resultData.error?.message,
				};
			},
			stop: () => cluster.stop(),
		};
	}
	const env = await startN8nWithKie({
		tag: `bench-binary-${mode.key}`,
		credentials,
		workflows: [workflow()],
		env: mode.env,
	});
	return {
		handle: env.n8n,
		pids: () => processGroup(env.n8n.process.pid!),
		newestExecution: () => newestExecutionInSqlite(env.userFolder),
		stop: () => env.stop(),
	};
}

/** One plain copy (download or upload) in a fresh process, measured like n8n. */
async function measureCopy(job: CopyJob): Promise<Phase> {
	const child = spawn(
		process.execPath,
		[
			'--expose-gc',
			path.join(__dirname, 'run.js'),
			path.join(__dirname, 'binary-copy.ts'),
			JSON.stringify(job),
		],
		{ cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
	);
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	const sampler = new MemorySampler(() => [child.pid!], SAMPLE_EVERY_MS);
	try {
		return await new Promise<Phase>((resolve, reject) => {
			let baselineKiB = 0;
			child.on('message', (message: CopyMessage) => {
				if (message.type === 'ready') {
					void sampler.meanRssKiB(1000).then((mean) => {
						baselineKiB = mean;
						sampler.start();
						child.send('go');
					});
				} else if (message.type === 'done') {
					const { peakKiB } = sampler.stop();
					resolve({ growthMiB: (peakKiB - baselineKiB) / 1024, ms: message.elapsedMs });
				}
			});
			void exited.then((code) => reject(new Error(`the plain ${job.direction} exited (${code})`)));
		});
	} finally {
		child.kill('SIGKILL');
		await exited;
	}
}

/** The n8n part of a row: one execution, sampled; the phases from the KIE nodes' run times. */
async function measureN8n(
	n8n: RunningN8n,
	taskId: string,
	row: BinaryRow,
): Promise<{ uploadedUrl?: string }> {
	const sampler = new MemorySampler(() => n8n.pids(), SAMPLE_EVERY_MS);
	await sleep(2000);
	const baselineKiB = await sampler.meanRssKiB(1000);
	sampler.start();
	const answer = await postJson(n8n.handle.webhookUrl(HOOK), { taskId });
	await sleep(SETTLE_MS);
	const { peakKiB } = sampler.stop();
	const growth = (kiB: number | null) => (kiB === null ? null : (kiB - baselineKiB) / 1024);
	row.baselineMiB = baselineKiB / 1024;
	row.executionGrowthMiB = growth(peakKiB)!;

	const execution = await n8n.newestExecution();
	const phase = (name: string): Phase | undefined => {
		const run = execution.runData[name]?.[0];
		if (!run) return undefined;
		const end = run.startTime + run.executionTime;
		return { growthMiB: growth(sampler.peakBetween(run.startTime, end)), ms: run.executionTime };
	};
	row.download = phase('Download');
	row.upload = phase('Upload');
	const downloaded = execution.runData.Download?.[0]?.data?.main[0]?.[0];
	const binary = downloaded?.binary?.data;
	row.storedAs = binary ? (binary.id ? binary.id.split(':')[0] : 'in the item') : undefined;
	const problems = [
		execution.error,
		execution.runData.Download?.[0]?.error?.message,
		downloaded?.json.downloadError as string | undefined,
		execution.runData.Upload?.[0]?.error?.message,
	].filter(Boolean);
	row.outcome =
		execution.status === 'success' && answer.status === 200
			? 'ok'
			: `failed (${execution.status}, HTTP ${answer.status}): ${[...new Set(problems)].join('; ') || answer.text.slice(0, 200)}`;
	const uploaded = execution.runData.Upload?.[0]?.data?.main[0]?.[0]?.json;
	return { uploadedUrl: typeof uploaded?.url === 'string' ? uploaded.url : undefined };
}

/** Every size in one n8n of this mode, each followed by the plain copies of the same bytes. */
async function measureMode(
	mode: Mode,
	sizesMiB: number[],
	simulator: SimulatorProcess,
	taskId: string,
	expectedSha256: (bytes: number) => string,
): Promise<BinaryRow[]> {
	const rows: BinaryRow[] = [];
	const toTry = sizesMiB.filter((sizeMiB) => !mode.cannot(sizeMiB * MiB));
	for (const sizeMiB of sizesMiB) {
		const reason = mode.cannot(sizeMiB * MiB);
		if (reason) rows.push({ mode, sizeMiB, tried: false, outcome: `not tried: ${reason}` });
	}
	if (!toTry.length) return rows;

	const previousVersion = process.env.KIE_N8N_VERSION;
	if (mode.n8nVersion) process.env.KIE_N8N_VERSION = mode.n8nVersion;
	else delete process.env.KIE_N8N_VERSION;
	let n8n: RunningN8n | undefined;
	const copyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kie-bench-copy-')), 'v.mp4');
	try {
		progress(`binary-modes: ${mode.label}: starting n8n…`);
		n8n = await startN8nFor(mode, simulator);
		// Warm-up: every code path of the workflow loaded before the first measured run.
		await configureSimulator(simulator.baseUrl, { videoSizeBytes: WARM_UP_BYTES });
		// n8n 1.x registers its production webhooks a while after it says it is ready (longer on a busy machine).
		const warmUp = await host.callWebhook(n8n.handle, HOOK, { taskId }, { retryMs: 180_000 });
		if (warmUp.status !== 200)
			throw new Error(`warm-up run answered ${warmUp.status}: ${JSON.stringify(warmUp.body)}`);

		for (const sizeMiB of toTry) {
			const bytes = sizeMiB * MiB;
			const row: BinaryRow = { mode, sizeMiB, tried: true, outcome: '' };
			rows.push(row);
			await configureSimulator(simulator.baseUrl, { videoSizeBytes: bytes });
			progress(`binary-modes: ${mode.key} ${sizeMiB} MiB: n8n download + upload…`);
			const { uploadedUrl } = await measureN8n(n8n, taskId, row);
			if (uploadedUrl) row.bytesMatch = (await sha256OfUrl(uploadedUrl)) === expectedSha256(bytes);
			progress(
				`binary-modes: ${mode.key} ${sizeMiB} MiB: ${row.outcome}; stored as ${row.storedAs}; growth download ${row.download?.growthMiB?.toFixed(0)} MiB, upload ${row.upload?.growthMiB?.toFixed(0)} MiB, execution ${row.executionGrowthMiB?.toFixed(0)} MiB; bytes ${row.bytesMatch ? 'match' : 'do NOT match / not checked'}`,
			);
			const job: CopyJob = {
				direction: 'download',
				videoUrl: `${simulator.baseUrl}/files/${taskId}.mp4`,
				uploadBaseUrl: simulator.uploadBaseUrl,
				apiKey: API_KEY,
				file: copyFile,
			};
			row.copyDownload = await measureCopy(job);
			row.copyUpload = await measureCopy({ ...job, direction: 'upload' });
			fs.rmSync(copyFile, { force: true });
			progress(
				`binary-modes: ${mode.key} ${sizeMiB} MiB: plain copy growth download ${row.copyDownload.growthMiB?.toFixed(0)} MiB, upload ${row.copyUpload.growthMiB?.toFixed(0)} MiB`,
			);
		}
	} finally {
		await n8n?.stop();
		fs.rmSync(path.dirname(copyFile), { recursive: true, force: true });
		if (previousVersion === undefined) delete process.env.KIE_N8N_VERSION;
		else process.env.KIE_N8N_VERSION = previousVersion;
	}
	return rows;
}

/** The modes and sizes to run: all, or BENCH_BINARY_MODES / BENCH_BINARY_SIZES_MIB (comma lists). */
function selection(): { modes: Mode[]; sizesMiB: number[] } {
	const keys = process.env.BENCH_BINARY_MODES?.split(',').map((key) => key.trim());
	const unknown = keys?.filter((key) => !MODES.some((mode) => mode.key === key)) ?? [];
	if (unknown.length)
		throw new Error(
			`unknown BENCH_BINARY_MODES ${unknown.join(', ')}; known: ${MODES.map((mode) => mode.key).join(', ')}`,
		);
	const sizesMiB = process.env.BENCH_BINARY_SIZES_MIB
		? process.env.BENCH_BINARY_SIZES_MIB.split(',').map(Number)
		: DEFAULT_SIZES_MiB;
	if (sizesMiB.some((size) => !Number.isInteger(size) || size <= 0))
		throw new Error('BENCH_BINARY_SIZES_MIB must list whole MiB, e.g. 64,512');
	return { modes: keys ? MODES.filter((mode) => keys.includes(mode.key)) : MODES, sizesMiB };
}

export async function benchBinaryModes(): Promise<BinaryRow[]> {
	const { modes, sizesMiB } = selection();
	progress(
		`binary-modes: ${modes.map((mode) => mode.key).join(', ')} at ${sizesMiB.join(', ')} MiB: real n8n per mode, simulator in its own process…`,
	);
	const simulator = await startSimulatorProcess(WARM_UP_BYTES);
	let taskId = '';
	const hashes = new Map<number, string>();
	const expectedSha256 = (bytes: number) => {
		if (!hashes.has(bytes))
			hashes.set(bytes, simulatorLib.expectedVideoSha256(taskId, bytes) as string);
		return hashes.get(bytes)!;
	};
	try {
		const created = await createRunwayTask(
			simulator.baseUrl,
			API_KEY,
			'bench binary modes: a large result',
		);
		if (!created.ok) throw new Error(`create failed: ${created.message}`);
		taskId = created.taskId;
		while ((await runwayState(simulator.baseUrl, API_KEY, taskId)) !== 'success') await sleep(100);
		const rows: BinaryRow[] = [];
		for (const mode of modes) {
			try {
				rows.push(...(await measureMode(mode, sizesMiB, simulator, taskId, expectedSha256)));
			} catch (error) {
				progress(`binary-modes: ${mode.key}: FAILED: ${(error as Error).stack ?? error}`);
				rows.push({
					mode,
					sizeMiB: 0,
					tried: false,
					outcome: `could not run: ${(error as Error).message.split('\n')[0]}`,
				});
			}
		}
		return rows;
	} finally {
		await simulator.stop();
	}
}

const mib = (value: number | null | undefined) =>
	value === null || value === undefined ? 'n/a' : `${value.toFixed(0)} MiB`;
const seconds = (value: number | null | undefined) =>
	value === null || value === undefined ? 'n/a' : `${(value / 1000).toFixed(1)} s`;
const ratio = (n8n?: Phase, copy?: Phase) =>
	n8n?.growthMiB != null && copy?.growthMiB ? n8n.growthMiB / Math.max(copy.growthMiB, 1) : null;

function transferCells(n8n?: Phase, copy?: Phase): string[] {
	const value = ratio(n8n, copy);
	return [
		`${mib(n8n?.growthMiB)} / ${mib(copy?.growthMiB)}`,
		value === null ? 'n/a' : `${value.toFixed(2)}×${value <= GOAL_RATIO ? '' : ' (NO)'}`,
		`${seconds(n8n?.ms)} / ${seconds(copy?.ms)}`,
	];
}

const HEADER = [
	'Mode',
	'Size',
	'Outcome',
	'Stored as',
	'Download growth, n8n / copy',
	'Ratio',
	'Download time, n8n / copy',
	'Upload growth, n8n / copy',
	'Ratio',
	'Upload time, n8n / copy',
	'Execution peak growth',
	'Bytes',
];

/**
 * The rows of an earlier binary-modes section for the modes this run did not measure (a run of some
 * modes, BENCH_BINARY_MODES, keeps the others' rows), with that run's date.
 */
function keptRows(
	previous: string | undefined,
	ranKeys: string[],
): { date?: string; rows: string[][] } {
	if (!previous) return { rows: [] };
	const labels = MODES.filter((mode) => !ranKeys.includes(mode.key)).map((mode) => mode.label);
	const rows = previous
		.split('\n')
		.filter((line) => line.startsWith('| '))
		.map((line) =>
			line
				.slice(2, -2)
				.split(' | ')
				.map((cell) => cell.trim()),
		)
		.filter((cells) => cells.length === HEADER.length && labels.includes(cells[0]));
	return { date: /^Date: (\S+)/m.exec(previous)?.[1], rows };
}

/** The order of the table: the modes as MODES lists them, then the size. */
function rowOrder(cells: string[]): number {
	const mode = MODES.findIndex((candidate) => candidate.label === cells[0]);
	return mode * 100_000 + (parseInt(cells[1], 10) || 0);
}

/**
 * The section "7. Binary data modes" of RESULTS.md (also printed), between the markers main.ts
 * splices by. `previous`: the section it replaces, whose rows of modes not run now are kept.
 */
export function renderBinaryModes(machine: Machine, rows: BinaryRow[], previous?: string): string {
	const ranKeys = [...new Set(rows.map((row) => row.mode.key))];
	const kept = keptRows(previous, ranKeys);
	const measured = rows.map((row) => [
		row.mode.label,
		row.sizeMiB ? `${row.sizeMiB} MiB` : '',
		row.outcome,
		row.storedAs ?? '',
		...(row.tried ? transferCells(row.download, row.copyDownload) : ['', '', '']),
		...(row.tried ? transferCells(row.upload, row.copyUpload) : ['', '', '']),
		row.tried ? mib(row.executionGrowthMiB) : '',
		row.bytesMatch === undefined ? '' : row.bytesMatch ? 'identical' : 'DIFFER',
	]);
	const table = markdownTable(
		HEADER,
		[...measured, ...kept.rows].sort((a, b) => rowOrder(a) - rowOrder(b)),
	);
	const keptNote = kept.rows.length
		? [
				`Rows of ${[...new Set(kept.rows.map((cells) => cells[0]))].join('; ')}: kept from the run of ${kept.date ?? 'an earlier date'} (this run measured ${ranKeys.join(', ')} only).`,
				'',
			]
		: [];
	return [
		BINARY_MODES_START,
		'## 7. Binary data modes (`npm run bench -- --only=binary-modes`)',
		'',
		...machineLines(machine).map((line) => `${line}  `),
		'',
		`Growth = peak RSS of n8n's process group during the transfer − its mean RSS over the second before the execution; the plain copy's the same for its own process. Ratio = n8n / copy (goal ≤ ${GOAL_RATIO}×; "NO" when above). MiB = 2^20 bytes.`,
		'',
		table,
		'',
		...keptNote,
		'How it is measured:',
		'',
		`- One real n8n per mode (scripts/lib/n8n-host, the package installed from dist/, n8n's other settings at their defaults: regular mode, sqlite; the queue-mode row: scripts/lib/queue-cluster.js with PostgreSQL, Redis, one main and one worker, both measured), one workflow: Webhook (answers when the last node is done) → KIE Runway "get" with Download Result (streams the result into n8n's binary data) → KIE file upload of that binary (multipart stream upload). The simulator (scripts/simulator.js) runs in a process of its own and serves a result of the size asked for; a 1 MiB run first loads every code path. The sizes run one after another on the same n8n.`,
		`- n8n's memory: the summed RSS of every process in n8n's process group (n8n and its task runner; in queue mode main's and the worker's), sampled every ${SAMPLE_EVERY_MS} ms from /proc; baseline = the mean over 1 s, 2 s after the previous run. Download and upload growth = the highest sample between the KIE node's start and its start + execution time (n8n's run data) − baseline. Execution peak growth = the kernel's peak RSS (VmHWM, reset with clear_refs just before the webhook call; summed over the group's processes) − baseline, over the whole run until ${SETTLE_MS / 1000} s after the answer (n8n saves the execution meanwhile). The upload's growth includes what the download left in memory, as n8n holds it.`,
		"- The plain copy: a fresh Node process (bench/binary-copy.ts) GETs the same URL into a file, then another POSTs that file to the simulator's stream upload (the request the KIE node sends), after the same 1 MiB warm-up; peak = VmHWM after a reset, baseline = the mean over 1 s before. Both copies run right after the n8n run of the same size, with n8n idle.",
		"- Stored as = the prefix of the binary id in the KIE node's output (the mode n8n actually used); \"in the item\" = no id, the bytes are in the item as base64 (n8n 1.x's default). Bytes = the file n8n uploaded, fetched back from the simulator, has the sha256 of the simulator's video.",
		"- Times: the KIE node's execution time in n8n's run data (download: one status call + the download; upload: the upload) and the copy's transfer time. One run per mode and size.",
		BINARY_MODES_END,
	].join('\n');
}

/** The binary-modes section of a results text, or undefined. */
export function binaryModesSection(results: string): string | undefined {
	const start = results.indexOf(BINARY_MODES_START);
	const end = results.indexOf(BINARY_MODES_END);
	return start >= 0 && end > start
		? results.slice(start, end + BINARY_MODES_END.length)
		: undefined;
}

export const BINARY_MODES_START =
	'<!-- binary-modes: written by npm run bench (full run or --only=binary-modes) -->';
export const BINARY_MODES_END = '<!-- /binary-modes -->';
