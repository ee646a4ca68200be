import * as fs from 'fs';
import * as path from 'path';
import { CLIP_VIDEO_BYTES, expectedVideoBytes } from '../../simulator';
import { RUNWAY_OK, post, startSim, type Sim } from './helpers';

// Result videos are a real MP4 (simulator/assets/result-video.mp4) with 'free' boxes around it, so a
// player (n8n's preview) can play every result that has room for the clip. Checked here by walking
// the boxes (no ffmpeg in tests): they tile the file, and the sample offsets still point at the
// clip's media data.

const CLIP = fs.readFileSync(path.join(__dirname, '../../simulator/assets/result-video.mp4'));

interface Box {
	type: string;
	start: number;
	size: number;
	header: number;
}

function boxes(buf: Buffer, start = 0, end = buf.length): Box[] {
	const out: Box[] = [];
	for (let at = start; at < end;) {
		let size = buf.readUInt32BE(at);
		let header = 8;
		if (size === 1) {
			size = Number(buf.readBigUInt64BE(at + 8));
			header = 16;
		}
		out.push({ type: buf.toString('latin1', at + 4, at + 8), start: at, size, header });
		at += size;
	}
	return out;
}

/** The chunk offsets of the file's only track: moov > trak > mdia > minf > stbl > stco. */
function chunkOffsets(buf: Buffer): number[] {
	let scope = boxes(buf);
	for (const type of ['moov', 'trak', 'mdia', 'minf', 'stbl']) {
		const box = scope.find((b) => b.type === type);
		if (!box) throw new Error(`no ${type} box`);
		scope = boxes(buf, box.start + box.header, box.start + box.size);
	}
	const stco = scope.find((b) => b.type === 'stco');
	if (!stco) throw new Error('no stco box');
	const count = buf.readUInt32BE(stco.start + 12);
	return Array.from({ length: count }, (_, i) => buf.readUInt32BE(stco.start + 16 + 4 * i));
}

describe('result videos are playable MP4s', () => {
	let sim: Sim;
	beforeAll(async () => {
		sim = await startSim();
	});
	afterAll(async () => {
		await sim.close();
	});
	beforeEach(() => sim.reset());

	it('the committed clip is a small H.264 MP4 with its index first (faststart)', () => {
		expect(CLIP.length).toBeLessThan(100_000);
		expect(boxes(CLIP).map((b) => b.type)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
		expect(CLIP.includes(Buffer.from('avc1'))).toBe(true);
		expect(CLIP_VIDEO_BYTES).toBe(CLIP.length + 1024);
	});

	it.each([
		['no size set: the clip and its task box', undefined],
		['a size set: padded with a trailing free box', 200_000],
		['a large size', 3_000_000],
	])('%s', (_label, size) => {
		const bytes = expectedVideoBytes('task-a', size);
		const total = size ?? CLIP_VIDEO_BYTES;
		expect(bytes.length).toBe(total);
		const top = boxes(bytes);
		expect(top.map((b) => b.type)).toEqual([
			'ftyp',
			'free',
			'moov',
			'free',
			'mdat',
			...(size === undefined ? [] : ['free']),
		]);
		const last = top[top.length - 1];
		expect(last.start + last.size).toBe(total);
		// Same media data as the clip, at offsets moved by the task box.
		const [first] = chunkOffsets(bytes);
		const [original] = chunkOffsets(CLIP);
		expect(first).toBe(original + 1024);
		const mdat = top.find((b) => b.type === 'mdat')!;
		const clipMdat = boxes(CLIP).find((b) => b.type === 'mdat')!;
		expect(
			bytes
				.subarray(mdat.start, mdat.start + mdat.size)
				.equals(CLIP.subarray(clipMdat.start, clipMdat.start + clipMdat.size)),
		).toBe(true);
		// Another task's video differs in its task box.
		expect(
			expectedVideoBytes('task-b', size).subarray(0, 1000).equals(bytes.subarray(0, 1000)),
		).toBe(false);
	});

	it('a size too small for the clip gets pseudo-random bytes behind an ftyp', () => {
		const bytes = expectedVideoBytes('task-a', 5000);
		expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
		expect(bytes.includes(Buffer.from('moov'))).toBe(false);
	});

	it('videoSizeBytes null serves the clip alone over HTTP', async () => {
		sim.configure({ videoSizeBytes: null });
		const { taskId } = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data;
		sim.completeTask(taskId);
		const res = await fetch(`${sim.baseUrl}/files/${taskId}.mp4`);
		expect(res.headers.get('content-length')).toBe(String(CLIP_VIDEO_BYTES));
		expect(Buffer.from(await res.arrayBuffer()).equals(expectedVideoBytes(taskId))).toBe(true);
	});
});
