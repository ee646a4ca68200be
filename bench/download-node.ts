// The process whose memory the download benchmark measures (started by bench/download.ts with an IPC
// channel, one fresh process per transfer): either the KIE node in n8n-core's engine downloads a
// result video into n8n's binary store ("get" with Download Result), or, as the reference, a plain
// Node http GET piped to a file fetches the same bytes. Both first make the same warm-up transfers of
// 1 MiB. Before the measured transfer it says "ready" and waits for "go", so the parent can take the
// baseline first; afterwards it reports the bytes, the elapsed time and its own heap figures.
import { Container } from '@n8n/di';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';

import { kieEngine, runKie, type Simulator } from '../test/engine/kie-helpers';
import { userFolder } from '../test/engine/env';
import { BinaryDataService } from 'n8n-core';

import { configureSimulator } from './processes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { expectedVideoSha256 } = require('../simulator');

export interface DownloadJob {
	baseUrl: string;
	uploadBaseUrl: string;
	taskId: string;
	videoBytes: number;
	transfer: Transfer;
	/** Compare the stored bytes with the simulator's video (after the measured part). */
	verify: boolean;
}

export type Transfer = 'node' | 'copy';

export type ChildMessage =
	| { type: 'ready' }
	| {
			type: 'done';
			elapsedMs: number;
			bytes: number;
			binaryMode?: string;
			peakArrayBuffersMiB: number;
			peakHeapUsedMiB: number;
	  }
	| { type: 'verified'; sha256Matches: boolean };

const WARM_UP_BYTES = 1 << 20;

function send(message: ChildMessage): void {
	process.send?.(message);
}

function nextGo(): Promise<void> {
	return new Promise((resolve) => process.once('message', () => resolve()));
}

async function sha256Of(file: string): Promise<string> {
	const hash = createHash('sha256');
	await pipeline(fs.createReadStream(file), hash);
	return hash.digest('hex');
}

async function main(): Promise<void> {
	const job = JSON.parse(process.argv[2]) as DownloadJob;
	const engine = kieEngine({ baseUrl: job.baseUrl, uploadBaseUrl: job.uploadBaseUrl } as Simulator);
	const binaryData = () => Container.get(BinaryDataService);
	const copyTarget = path.join(userFolder!, 'plain-copy.mp4');

	/** The KIE node: Runway "get" with Download Result; returns the stored binary's path and id. */
	const nodeDownload = async (): Promise<{ id?: string; file: string }> => {
		const run = await runKie(engine, {
			resource: 'runway',
			operation: 'get',
			taskId: job.taskId,
			getOptions: { downloadResult: true },
		});
		const binary = run.output('KIE')[0]?.binary?.data;
		if (run.status !== 'success' || !binary?.id)
			throw new Error(
				`the KIE node's download run ended ${run.status}: ${run.error?.message ?? 'no binary'}`,
			);
		return { id: binary.id, file: binaryData().getPath(binary.id) };
	};
	/** The reference: a plain http GET of the same URL piped to a file. */
	const plainCopy = async (): Promise<{ id?: string; file: string }> => {
		await new Promise<void>((resolve, reject) => {
			http
				.get(`${job.baseUrl}/files/${job.taskId}.mp4`, (response) => {
					pipeline(response, fs.createWriteStream(copyTarget)).then(resolve, reject);
				})
				.on('error', reject);
		});
		return { file: copyTarget };
	};

	// Warm-up with a 1 MiB result, both kinds of transfer in every process: every module and code path
	// is loaded, and the node and the copy processes start the measured transfer in the same state.
	await configureSimulator(job.baseUrl, { videoSizeBytes: WARM_UP_BYTES });
	fs.rmSync((await nodeDownload()).file, { force: true });
	fs.rmSync((await plainCopy()).file, { force: true });
	await configureSimulator(job.baseUrl, { videoSizeBytes: job.videoBytes });
	(globalThis as { gc?: () => void }).gc?.();
	await new Promise((resolve) => setTimeout(resolve, 300));

	send({ type: 'ready' });
	await nextGo();
	// What V8 holds during the transfer: chunks not yet collected show up as array buffers.
	let peakArrayBuffers = 0;
	let peakHeapUsed = 0;
	const heapSampler = setInterval(() => {
		const usage = process.memoryUsage();
		peakArrayBuffers = Math.max(peakArrayBuffers, usage.arrayBuffers);
		peakHeapUsed = Math.max(peakHeapUsed, usage.heapUsed);
	}, 20);
	const started = performance.now();
	const stored = job.transfer === 'node' ? await nodeDownload() : await plainCopy();
	const elapsedMs = performance.now() - started;
	clearInterval(heapSampler);
	send({
		type: 'done',
		elapsedMs,
		bytes: fs.statSync(stored.file).size,
		binaryMode: stored.id?.split(':')[0],
		peakArrayBuffersMiB: peakArrayBuffers / 2 ** 20,
		peakHeapUsedMiB: peakHeapUsed / 2 ** 20,
	});
	if (job.verify)
		send({
			type: 'verified',
			sha256Matches:
				(await sha256Of(stored.file)) === expectedVideoSha256(job.taskId, job.videoBytes),
		});
	fs.rmSync(stored.file, { force: true });
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`download node process: ${(error as Error).stack ?? error}\n`);
		process.exit(1);
	},
);
