// The reference of the binary-modes benchmark (bench/binary-modes.ts): plain Node streams moving the
// same bytes the KIE node moves in n8n, in a fresh process whose memory the bench reads. "download":
// an http GET of the simulator's result video piped to a file; "upload": that file piped into a
// multipart POST to the simulator's stream-upload endpoint (the same request the KIE node sends).
// Both first make a 1 MiB warm-up transfer, then say "ready" and wait for "go" (the bench takes the
// baseline meanwhile), then report the bytes moved and the time taken.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { pipeline } from 'node:stream/promises';

export interface CopyJob {
	direction: 'download' | 'upload';
	/** The result video's URL (download). */
	videoUrl: string;
	/** The upload host's base URL and key (upload). */
	uploadBaseUrl: string;
	apiKey: string;
	/** Written by the download, read by the upload. */
	file: string;
}

export type CopyMessage = { type: 'ready' } | { type: 'done'; elapsedMs: number; bytes: number };

const WARM_UP_BYTES = 1 << 20;

/** Resolves once the message is handed over (exiting earlier could lose it). */
function send(message: CopyMessage): Promise<void> {
	return new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));
}

/** GET url (the first `bytes` only, with a Range header, when given) into a file. */
function download(url: string, file: string, bytes?: number): Promise<number> {
	return new Promise((resolve, reject) => {
		const headers = bytes ? { range: `bytes=0-${bytes - 1}` } : undefined;
		http
			.get(url, { headers }, (response) => {
				pipeline(response, fs.createWriteStream(file)).then(
					() => resolve(fs.statSync(file).size),
					reject,
				);
			})
			.on('error', reject);
	});
}

/** POSTs a file (its first `bytes` only, when given) as KIE's multipart stream upload. */
async function upload(job: CopyJob, bytes?: number): Promise<number> {
	const size = bytes ?? fs.statSync(job.file).size;
	const boundary = `----benchCopy${Date.now()}`;
	const fileName = `copy-${Date.now()}.mp4`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="uploadPath"\r\n\r\nbench/copy\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\n${fileName}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
			'Content-Type: video/mp4\r\n\r\n',
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const request = http.request(`${job.uploadBaseUrl}/api/file-stream-upload`, {
		method: 'POST',
		headers: {
			authorization: `Bearer ${job.apiKey}`,
			'content-type': `multipart/form-data; boundary=${boundary}`,
			'content-length': head.length + size + tail.length,
		},
	});
	const answered = new Promise<string>((resolve, reject) => {
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
			response.on('error', reject);
		});
		request.on('error', reject);
	});
	const file = fs.createReadStream(job.file, { end: size - 1 });
	await pipeline(async function* () {
		yield head;
		yield* file;
		yield tail;
	}, request);
	const answer = JSON.parse(await answered) as { code?: number; data?: { fileSize?: number } };
	if (answer.code !== 200) throw new Error(`upload answered ${JSON.stringify(answer)}`);
	return Number(answer.data?.fileSize ?? size);
}

async function main(): Promise<void> {
	const job = JSON.parse(process.argv[2]) as CopyJob;
	const transfer = (bytes?: number) =>
		job.direction === 'download' ? download(job.videoUrl, job.file, bytes) : upload(job, bytes);
	await transfer(WARM_UP_BYTES);
	(globalThis as { gc?: () => void }).gc?.();
	await new Promise((resolve) => setTimeout(resolve, 300));
	const go = new Promise((resolve) => process.once('message', resolve));
	await send({ type: 'ready' });
	await go;
	const started = performance.now();
	const bytes = await transfer();
	await send({ type: 'done', elapsedMs: performance.now() - started, bytes });
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`binary copy process: ${(error as Error).stack ?? error}\n`);
		process.exit(1);
	},
);
