import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { kieEngine, runKie, startSimulator, type Simulator } from './kie-helpers';

// Every rule KIE documents is checked before any request: each bad input must give an error that
// names the field, the value and the rule, and the simulator must have received nothing at all.

let sim: Simulator;
let bigFileServer: Server;
let bigFileUrl: string;

beforeAll(async () => {
	sim = await startSimulator();
	// A server that announces a 20 MB video on HEAD (Aleph takes at most 10 MB).
	bigFileServer = createServer((req, res) => {
		res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(20 * 1024 * 1024) });
		res.end();
	});
	await new Promise<void>((resolve) => bigFileServer.listen(0, '127.0.0.1', resolve));
	bigFileUrl = `http://127.0.0.1:${(bigFileServer.address() as AddressInfo).port}/big.mp4`;
});
afterAll(async () => {
	await sim.close();
	await new Promise((resolve) => bigFileServer.close(resolve));
});
beforeEach(() => sim.reset());

function binaryItem(
	bytes: number,
	mimeType = 'image/png',
	fileName = 'file.png',
): INodeExecutionData {
	return {
		json: {},
		binary: { data: { data: Buffer.alloc(bytes, 1).toString('base64'), mimeType, fileName } },
	};
}

const runway = { resource: 'runway', operation: 'generate', prompt: 'A cat', completion: 'submit' };
const extend = {
	resource: 'runway',
	operation: 'extend',
	taskId: 'abc',
	prompt: 'More',
	quality: '720p',
	completion: 'submit',
};
const aleph = {
	resource: 'aleph',
	operation: 'generate',
	prompt: 'Watercolor',
	videoSource: 'url',
	videoUrl: 'https://example.com/v.mp4',
	completion: 'submit',
};
const luma = {
	resource: 'luma',
	operation: 'modify',
	prompt: 'Make it night',
	videoSource: 'url',
	videoUrl: 'https://example.com/v.mp4',
	completion: 'submit',
};
const ELEVEN_MB = 11 * 1024 * 1024;
// n8n itself refuses to start a node whose required field is literally empty; an expression that
// evaluates to nothing (the usual way bad data reaches a node) gets past it to the node's own rules.
const EMPTY = '={{ "" }}';

type Case = [
	name: string,
	parameters: IDataObject,
	expected: string | RegExp,
	input?: () => INodeExecutionData[],
];

const cases: Case[] = [
	['runway: empty prompt', { ...runway, prompt: EMPTY }, 'Prompt is required (got nothing)'],
	['runway: blank prompt', { ...runway, prompt: '   ' }, 'Prompt is required'],
	[
		'runway: prompt over 1800',
		{ ...runway, prompt: 'x'.repeat(1801) },
		/^Prompt must be at most 1800 characters \(got "x+…" \(1801 characters\)\)$/,
	],
	['runway: duration 7', { ...runway, duration: 7 }, 'Duration must be one of 5, 10 (got 7)'],
	[
		'runway: quality 4k',
		{ ...runway, quality: '4k' },
		'Quality must be one of 720p, 1080p (got "4k")',
	],
	[
		'runway: 1080p with 10 s',
		{ ...runway, quality: '1080p', duration: 10 },
		'Quality can be 1080p only for 5-second videos (got "1080p with 10 s")',
	],
	[
		'runway: aspect ratio 2:1',
		{ ...runway, aspectRatio: '2:1' },
		'Aspect Ratio must be one of 16:9, 4:3, 1:1, 3:4, 9:16 (got "2:1")',
	],
	[
		'runway: aspect ratio 21:9 (Aleph only)',
		{ ...runway, aspectRatio: '21:9' },
		'Aspect Ratio must be one of',
	],
	[
		'runway: image URL empty',
		{ ...runway, imageSource: 'url', imageUrl: EMPTY },
		'Image URL is required',
	],
	[
		'runway: image URL not a URL',
		{ ...runway, imageSource: 'url', imageUrl: 'cat.png' },
		'Image URL must be a full URL such as https://example.com/video.mp4 (got "cat.png")',
	],
	[
		'runway: image URL ftp',
		{ ...runway, imageSource: 'url', imageUrl: 'ftp://example.com/cat.png' },
		'Image URL must be an https:// URL that KIE can download',
	],
	[
		'runway: image binary missing',
		{ ...runway, imageSource: 'binary', imageBinaryProperty: 'photo' },
		'Image Binary Field must name a binary property of the input item (got "photo")',
	],
	[
		'runway: image binary over 10 MB',
		{ ...runway, imageSource: 'binary', imageBinaryProperty: 'data' },
		'Image must be at most 10 MB (got "11 MB")',
		() => [binaryItem(ELEVEN_MB)],
	],
	[
		'runway: callback URL not a URL',
		{ ...runway, callbackUrl: 'my-webhook' },
		'Callback URL must be a full URL',
	],
	[
		'runway: callback URL mailto',
		{ ...runway, callbackUrl: 'mailto:me@example.com' },
		'Callback URL must be an https:// URL',
	],
	['extend: empty task id', { ...extend, taskId: EMPTY }, 'Task ID is required'],
	['extend: empty prompt', { ...extend, prompt: EMPTY }, 'Prompt is required'],
	// An Extend prompt over 1800 characters is no longer refused (KIE's extend page sets no limit):
	// kie-market.test.ts, 'rules no stricter than KIE pages', shows it passes validation.
	[
		'extend: quality 480p',
		{ ...extend, quality: '480p' },
		'Quality must be one of 720p, 1080p (got "480p")',
	],
	['aleph: empty prompt', { ...aleph, prompt: EMPTY }, 'Prompt is required'],
	['aleph: empty video URL', { ...aleph, videoUrl: EMPTY }, 'Video URL is required'],
	[
		'aleph: video URL without scheme',
		{ ...aleph, videoUrl: 'example.com/v.mp4' },
		'Video URL must be a full URL',
	],
	[
		'aleph: video URL file:',
		{ ...aleph, videoUrl: 'file:///etc/passwd' },
		'Video URL must be an https:// URL',
	],
	[
		'aleph: video binary missing',
		{ ...aleph, videoSource: 'binary', videoBinaryProperty: 'clip' },
		'Video Binary Field must name a binary property',
	],
	[
		'aleph: video binary over 10 MB',
		{ ...aleph, videoSource: 'binary', videoBinaryProperty: 'data' },
		'Video must be at most 10 MB (got "11 MB")',
		() => [binaryItem(ELEVEN_MB, 'video/mp4', 'clip.mp4')],
	],
	['aleph: video URL announcing 20 MB', { ...aleph }, 'Video must be at most 10 MB (got "20 MB")'],
	[
		'aleph: aspect ratio 5:4',
		{ ...aleph, additionalFields: { aspectRatio: '5:4' } },
		'Aspect Ratio must be one of 16:9, 9:16, 4:3, 3:4, 1:1, 21:9 (got "5:4")',
	],
	[
		'aleph: seed 1.5',
		{ ...aleph, additionalFields: { seed: 1.5 } },
		'Seed must be a whole number (got 1.5)',
	],
	[
		'aleph: seed -0.25',
		{ ...aleph, additionalFields: { seed: -0.25 } },
		'Seed must be a whole number',
	],
	// An Aleph watermark over 20 characters is no longer refused (KIE only recommends 1-20):
	// kie-market.test.ts, 'rules no stricter than KIE pages', shows it passes validation.
	[
		'aleph: reference image URL empty',
		{ ...aleph, referenceImageSource: 'url', referenceImageUrl: EMPTY },
		'Reference Image URL is required',
	],
	[
		'aleph: reference image gopher',
		{ ...aleph, referenceImageSource: 'url', referenceImageUrl: 'gopher://x/y.png' },
		'Reference Image URL must be an https:// URL',
	],
	['luma: empty prompt', { ...luma, prompt: EMPTY }, 'Prompt is required'],
	['luma: empty video URL', { ...luma, videoUrl: EMPTY }, 'Video URL is required'],
	[
		'luma: javascript URL',
		{ ...luma, videoUrl: 'javascript:alert(1)' },
		'Video URL must be an https:// URL',
	],
	[
		'luma: video binary missing',
		{ ...luma, videoSource: 'binary', videoBinaryProperty: 'movie' },
		'Video Binary Field must name a binary property',
	],
	[
		'luma: callback URL relative',
		{ ...luma, callbackUrl: '/webhook/abc' },
		'Callback URL must be a full URL',
	],
	[
		'runway get: empty task id',
		{ resource: 'runway', operation: 'get', taskId: EMPTY },
		'Task ID is required',
	],
	[
		'aleph get: blank task id',
		{ resource: 'aleph', operation: 'get', taskId: '  ' },
		'Task ID is required',
	],
	[
		'luma get: empty task id',
		{ resource: 'luma', operation: 'get', taskId: EMPTY },
		'Task ID is required',
	],
	[
		'file upload: URL not a URL',
		{ resource: 'file', operation: 'upload', source: 'url', fileUrl: 'photo.png' },
		'File URL must be a full URL',
	],
	[
		'file upload: empty binary field',
		{ resource: 'file', operation: 'upload', source: 'binary', binaryPropertyName: EMPTY },
		'Input Binary Field is required',
	],
	[
		'download URL: empty',
		{ resource: 'file', operation: 'getDownloadUrl', url: EMPTY },
		'File URL is required',
	],
	[
		'download URL: ftp',
		{ resource: 'file', operation: 'getDownloadUrl', url: 'ftp://kie.ai/x.mp4' },
		'File URL must be an https:// URL',
	],
	[
		'runway: second item bad stops the whole batch before any request',
		{ ...runway, prompt: '={{ $json.prompt }}' },
		'Prompt is required',
		() => [{ json: { prompt: 'fine' } }, { json: { prompt: '' } }],
	],
];

describe('bad input is refused before any request', () => {
	test('the table has at least 40 cases', () => {
		expect(cases.length).toBeGreaterThanOrEqual(40);
	});

	const rows = cases.map(([name, parameters, expected, input]) => ({
		name,
		parameters,
		expected,
		input,
	}));
	test.each(rows)('$name', async ({ name, parameters, expected, input }) => {
		const params = name.includes('announcing')
			? { ...parameters, videoUrl: bigFileUrl }
			: parameters;
		const run = await runKie(kieEngine(sim), params, input ? input() : [{ json: {} }]);
		expect(run.status).toBe('error');
		if (typeof expected === 'string') expect(run.error?.message).toContain(expected);
		else expect(run.error?.message).toMatch(expected);
		expect(sim.requests).toHaveLength(0);
		expect(sim.tasksCreated()).toBe(0);
	});
});
