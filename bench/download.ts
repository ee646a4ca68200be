// Figure 5: a 512 MB result streamed into n8n's binary store by the KIE node. Three processes: the
// simulator (scripts/simulator.js), the node (bench/download-node.ts, in n8n-core's engine) and this
// one, which samples the node process's RSS from /proc every 20 ms and reads the kernel's peak (VmHWM,
// reset before each transfer). The reference, in the same kind of process: a plain http GET of the same
// URL piped to a file.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { ChildMessage, DownloadJob, Transfer } from './download-node';
import { createRunwayTask, runwayState } from './peer-poller';
import { memoryOf, resetPeak, startSimulatorProcess } from './processes';
import { median, progress, type ScenarioReport } from './report';
import { API_KEY } from './sim';

const MiB = 2 ** 20;
const VIDEO_BYTES = 512 * MiB;
const ROUNDS = 3;
const SAMPLE_EVERY_MS = 20;
const GOAL_GROWTH_MiB = 64;
const REPO_ROOT = path.resolve(__dirname, '..');

interface TransferResult {
	transfer: Transfer;
	round: number;
	elapsedMs: number;
	bytes: number;
	binaryMode?: string;
	baselineMiB: number;
	/** Highest sampled RSS during the transfer. */
	sampledPeakMiB: number;
	/** The kernel's peak RSS during the transfer (VmHWM after a reset), when it could be reset. */
	kernelPeakMiB: number | null;
	samples: number;
	peakArrayBuffersMiB: number;
	peakHeapUsedMiB: number;
	sha256Matches?: boolean;
}

/** One transfer in a fresh node process: baseline when it is ready, peak until it is done. */
async function measureTransfer(job: DownloadJob, round: number): Promise<TransferResult> {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-bench-download-'));
	const child = spawn(
		process.execPath,
		[
			'--expose-gc',
			path.join(__dirname, 'run.js'),
			path.join(__dirname, 'download-node.ts'),
			JSON.stringify(job),
		],
		{
			cwd: REPO_ROOT,
			env: { ...process.env, N8N_USER_FOLDER: userFolder },
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		},
	);
	const pid = child.pid!;
	const exited = new Promise<number | null>((resolve) =>
		child.once('exit', (code) => resolve(code)),
	);
	try {
		let baselineMiB = 0;
		let peakReset = false;
		let maxKiB = 0;
		let samples = 0;
		let sampler: NodeJS.Timeout | undefined;
		const sample = () => {
			maxKiB = Math.max(maxKiB, memoryOf(pid).rssKiB);
			samples += 1;
		};
		const result = await new Promise<TransferResult>((resolve, reject) => {
			let done: TransferResult | undefined;
			child.on('message', (message: ChildMessage) => {
				if (message.type === 'ready') {
					// baseline: the mean of 15 samples over 300 ms, right before the transfer
					const baseline: number[] = [];
					const collect = setInterval(() => {
						baseline.push(memoryOf(pid).rssKiB);
						if (baseline.length < 15) return;
						clearInterval(collect);
						baselineMiB = baseline.reduce((sum, value) => sum + value, 0) / baseline.length / 1024;
						peakReset = resetPeak(pid);
						sample();
						sampler = setInterval(sample, SAMPLE_EVERY_MS);
						child.send({ type: 'go' });
					}, SAMPLE_EVERY_MS);
				} else if (message.type === 'done') {
					clearInterval(sampler);
					sample();
					const { peakKiB } = memoryOf(pid);
					done = {
						transfer: job.transfer,
						round,
						elapsedMs: message.elapsedMs,
						bytes: message.bytes,
						binaryMode: message.binaryMode,
						baselineMiB,
						sampledPeakMiB: maxKiB / 1024,
						kernelPeakMiB: peakReset ? peakKiB / 1024 : null,
						samples,
						peakArrayBuffersMiB: message.peakArrayBuffersMiB,
						peakHeapUsedMiB: message.peakHeapUsedMiB,
					};
					if (!job.verify) resolve(done);
				} else if (message.type === 'verified' && done) {
					resolve({ ...done, sha256Matches: message.sha256Matches });
				}
			});
			void exited.then((code) =>
				reject(new Error(`the ${job.transfer} process exited (${code}) before it reported`)),
			);
		});
		await exited;
		return result;
	} finally {
		child.kill('SIGKILL');
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

const growthOf = (result: TransferResult) =>
	(result.kernelPeakMiB ?? result.sampledPeakMiB) - result.baselineMiB;

export async function benchDownload(): Promise<ScenarioReport> {
	progress(
		`download: a ${VIDEO_BYTES / MiB} MiB result, simulator in its own process, ${ROUNDS} rounds of KIE node download + plain copy…`,
	);
	const simulator = await startSimulatorProcess(VIDEO_BYTES);
	try {
		const created = await createRunwayTask(
			simulator.baseUrl,
			API_KEY,
			'bench download: a 512 MB result',
		);
		if (!created.ok) throw new Error(`create failed: ${created.message}`);
		while ((await runwayState(simulator.baseUrl, API_KEY, created.taskId)) !== 'success')
			await new Promise((resolve) => setTimeout(resolve, 100));

		const results: TransferResult[] = [];
		for (let round = 1; round <= ROUNDS; round++) {
			for (const transfer of ['node', 'copy'] as Transfer[]) {
				const job: DownloadJob = {
					baseUrl: simulator.baseUrl,
					uploadBaseUrl: simulator.uploadBaseUrl,
					taskId: created.taskId,
					videoBytes: VIDEO_BYTES,
					transfer,
					verify: transfer === 'node' && round === 1,
				};
				const result = await measureTransfer(job, round);
				results.push(result);
				progress(
					`download: round ${round} ${transfer === 'node' ? 'KIE node' : 'plain copy'}: ${(result.bytes / MiB).toFixed(0)} MiB in ${(result.elapsedMs / 1000).toFixed(2)} s, RSS ${result.baselineMiB.toFixed(1)} → peak ${(result.kernelPeakMiB ?? result.sampledPeakMiB).toFixed(1)} MiB (growth ${growthOf(result).toFixed(1)})`,
				);
			}
		}
		const sha256Matches = results.find(
			(result) => result.sha256Matches !== undefined,
		)?.sha256Matches;

		const nodeRuns = results.filter((result) => result.transfer === 'node');
		const copyRuns = results.filter((result) => result.transfer === 'copy');
		const worst = nodeRuns.reduce((a, b) => (growthOf(b) > growthOf(a) ? b : a));
		const throughput = (runs: TransferResult[]) =>
			median(runs.map((run) => run.bytes / MiB / (run.elapsedMs / 1000)))!;
		const nodeMBs = throughput(nodeRuns);
		const copyMBs = throughput(copyRuns);
		const allBytesArrived = results.every((result) => result.bytes === VIDEO_BYTES);
		const kernelPeaks = results.every((result) => result.kernelPeakMiB !== null);
		const mib = (value: number) => `${value.toFixed(1)} MiB`;
		return {
			title: '5. Download',
			figures: [
				{
					name: `Peak RSS growth, ${VIDEO_BYTES / MiB} MB download (worst of ${ROUNDS})`,
					value: growthOf(worst),
					unit: 'MB',
					limit: GOAL_GROWTH_MiB,
					kind: 'max',
					digits: 1,
				},
			],
			details: [
				...results.map((run) => ({
					name: `Round ${run.round}, ${run.transfer === 'node' ? 'KIE node' : 'plain copy'}: RSS baseline → peak (growth); V8 peaks`,
					value: `${mib(run.baselineMiB)} → ${mib(run.kernelPeakMiB ?? run.sampledPeakMiB)} (${mib(growthOf(run))}); sampled ${mib(run.sampledPeakMiB)} in ${run.samples} samples; array buffers ${mib(run.peakArrayBuffersMiB)}, heap used ${mib(run.peakHeapUsedMiB)}`,
				})),
				{
					name: 'Peak RSS growth, plain copy (worst of rounds)',
					value: mib(Math.max(...copyRuns.map(growthOf))),
				},
				{ name: 'Throughput, KIE node (median)', value: `${nodeMBs.toFixed(0)} MB/s` },
				{ name: 'Throughput, plain loopback copy (median)', value: `${copyMBs.toFixed(0)} MB/s` },
				{
					name: 'Throughput ratio, KIE node / plain copy',
					value: `${(nodeMBs / copyMBs).toFixed(2)}×`,
				},
				{
					name: 'Bytes stored',
					value: `${allBytesArrived ? 'every' : 'NOT every'} transfer ${VIDEO_BYTES} bytes; sha256 of the node's binary ${sha256Matches ? 'matches' : 'does NOT match'} the simulator's video`,
				},
				{ name: "n8n-core's binary data mode", value: String(worst.binaryMode) },
			],
			notes: [
				`Three kinds of process: the simulator (scripts/simulator.js --video-size-bytes ${VIDEO_BYTES}); one fresh process per transfer (bench/download-node.ts), either n8n-core's engine running the KIE node's Runway "get" with Download Result (streams the video into n8n's binary store, mode ${worst.binaryMode}: a file under N8N_USER_FOLDER) or a plain Node http GET of the same URL piped to a file; and the bench, which reads the transfer process's /proc/<pid>/status. MB = 2^20 bytes.`,
				`Each transfer process first makes the same warm-up transfers (a 1 MiB result through the node and through the plain copy: all code loaded), then a GC. Baseline = mean RSS over 300 ms right before the measured transfer. Peak = ${kernelPeaks ? "the kernel's peak RSS (VmHWM), reset (clear_refs 5) just before the transfer" : 'the highest sampled RSS (VmHWM could not be reset)'}; RSS is also sampled every ${SAMPLE_EVERY_MS} ms as a cross-check. Growth = peak − baseline; the figure is the worst of ${ROUNDS} rounds. The process's own V8 peaks (process.memoryUsage() every 20 ms) show how much of it is received chunks waiting for the garbage collector (array buffers).`,
				`Throughput = bytes / wall time of the transfer: for the node, the engine run of "get" (one status call + the download into the binary store); for the plain copy, GET to file closed. Median of ${ROUNDS} rounds, node and copy alternating.`,
			],
		};
	} finally {
		await simulator.stop();
	}
}
