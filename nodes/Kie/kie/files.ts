import { randomUUID } from 'crypto';
import type {
	IBinaryData,
	IExecuteFunctions,
	IWebhookFunctions,
	IDataObject,
	JsonObject,
} from 'n8n-workflow';
import { BINARY_ENCODING, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { downloadFailed } from '../helpers/errorMessages';
import { kieRequest } from '../transport';
import { uploadResultSchema } from './schemas';
import { taskModelOf } from './models';
import { fetchTask } from './taskApi';
import type { KieTask } from './tasks';

/** n8n's binary streams (a Node Readable; node code may not import 'stream' itself). */
type BinaryStream = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/** Where this package puts its uploads on KIE's file host (no leading or trailing slash). */
export const DEFAULT_UPLOAD_PATH = 'n8n/kie-video';

export interface UploadedFile extends IDataObject {
	url: string;
	fileName: string | null;
	fileSize: number | null;
	mimeType: string | null;
	uploadedAt: string | null;
	expiresAt: string | null;
	raw: IDataObject;
}

/**
 * KIE serves a cached copy when a name is reused, so every upload gets a unique name
 * (docs/kie-api.md §8) that still ends in the original file name.
 */
export function uniqueFileName(original: string | undefined, fallbackExtension = 'bin'): string {
	const safe = (original ?? `file.${fallbackExtension}`).replace(/[^\w.-]+/g, '_').slice(-80);
	return `${randomUUID().slice(0, 8)}-${safe}`;
}

/** The byte size of an input binary, when n8n knows it without reading the file. */
export function binaryByteSize(binary: IBinaryData): number | undefined {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (!binary.id && typeof binary.data === 'string')
		return Buffer.byteLength(binary.data, BINARY_ENCODING);
	return undefined;
}

function toUploadedFile(this: IExecuteFunctions, data: unknown): UploadedFile {
	const parsed = uploadResultSchema.safeParse(data);
	// Read downloadUrl first; older KIE answers only had fileUrl or url (docs/kie-api.md §8).
	const url = parsed.success
		? (parsed.data.downloadUrl ?? parsed.data.fileUrl ?? parsed.data.url)
		: null;
	if (!parsed.success || !url) {
		throw new NodeApiError(this.getNode(), { message: 'no url' } as JsonObject, {
			message: "KIE's upload answer has no file URL",
		});
	}
	const size = Number(parsed.data.fileSize);
	return {
		url,
		fileName: parsed.data.fileName ?? null,
		fileSize: Number.isFinite(size) ? size : null,
		mimeType: parsed.data.mimeType ?? null,
		uploadedAt: parsed.data.uploadedAt ?? null,
		expiresAt: parsed.data.expiresAt ?? null,
		raw: parsed.data as IDataObject,
	};
}

/**
 * The multipart body around a binary n8n holds in the item (base64: n8n 1.x's default memory mode).
 * The base64 is decoded straight into the one body buffer: decoding it first and then concatenating
 * would hold the file twice.
 */
function inlineMultipart(head: Buffer, base64: string, tail: Buffer): Buffer {
	const fileBytes = Buffer.byteLength(base64, BINARY_ENCODING);
	const body = Buffer.allocUnsafe(head.length + fileBytes + tail.length);
	head.copy(body, 0);
	// byteLength may count a byte or two more than the decoded ones: the body ends where they end.
	const written = body.write(base64, head.length, fileBytes, BINARY_ENCODING);
	tail.copy(body, head.length + written);
	return body.subarray(0, head.length + written + tail.length);
}

/**
 * Uploads an input binary through KIE's stream upload (multipart). A binary held on disk by n8n is
 * streamed, never read into memory whole.
 */
export async function uploadBinary(
	this: IExecuteFunctions,
	itemIndex: number,
	binaryPropertyName: string,
	uploadPath = DEFAULT_UPLOAD_PATH,
): Promise<UploadedFile> {
	const binary = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
	const fileName = uniqueFileName(binary.fileName, binary.fileExtension);
	const mimeType = binary.mimeType || 'application/octet-stream';
	const boundary = `----n8nKieVideo${randomUUID().replace(/-/g, '')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="uploadPath"\r\n\r\n${uploadPath}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="fileName"\r\n\r\n${fileName}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
			`Content-Type: ${mimeType}\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const size = binaryByteSize(binary);
	const headers: IDataObject = { 'Content-Type': `multipart/form-data; boundary=${boundary}` };
	if (size !== undefined) headers['Content-Length'] = head.length + size + tail.length;

	const body = async () => {
		if (!binary.id) return inlineMultipart(head, binary.data, tail);
		const file = await this.helpers.getBinaryStream(binary.id);
		// compose() wraps the file stream with the multipart framing without buffering it.
		return file.compose(async function* (source: AsyncIterable<Buffer>) {
			yield head;
			yield* source;
			yield tail;
		}) as unknown as BinaryStream;
	};

	const response = await kieRequest.call(this, {
		method: 'POST',
		host: 'upload',
		path: '/api/file-stream-upload',
		kind: 'read',
		body,
		headers,
		timeoutMs: 10 * 60_000,
	});
	return toUploadedFile.call(this, response.data);
}

/** Has KIE fetch a public URL onto its file host (KIE gives it 30 s; about 100 MB at most). */
export async function uploadFromUrl(
	this: IExecuteFunctions,
	fileUrl: string,
	uploadPath = DEFAULT_UPLOAD_PATH,
	fileName?: string,
): Promise<UploadedFile> {
	const fromUrl = decodeURIComponent(new URL(fileUrl).pathname.split('/').pop() || '') || undefined;
	const response = await kieRequest.call(this, {
		method: 'POST',
		host: 'upload',
		path: '/api/file-url-upload',
		kind: 'read',
		body: { fileUrl, uploadPath, fileName: fileName || uniqueFileName(fromUrl) },
		timeoutMs: 120_000,
	});
	return toUploadedFile.call(this, response.data);
}

type DownloadResponse = { statusCode: number; headers: IDataObject; body: BinaryStream };

/**
 * Answers that mean a result link no longer works: a signed link past its time, or a deleted file.
 */
const DEAD_LINK_STATUSES = new Set([403, 404, 410]);

/**
 * Result URLs are public CDN links: no KIE credential is sent with them (the key must never reach
 * another host).
 */
async function openDownload(
	this: IExecuteFunctions | IWebhookFunctions,
	url: string,
): Promise<DownloadResponse> {
	try {
		return (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 30 * 60_000,
		})) as DownloadResponse;
	} catch (error) {
		throw new NodeApiError(this.getNode(), error as JsonObject, {
			message: `Could not download the result video: ${(error as Error).message}`,
		});
	}
}

/**
 * Streams a finished task's video into n8n's binary store, never buffered whole. A link that no
 * longer works (links can expire while a long batch runs) is replaced once by the one KIE's status
 * API gives now; when that fails too, the error names the task and what to do.
 */
export async function downloadTaskVideo(
	this: IExecuteFunctions | IWebhookFunctions,
	task: Pick<KieTask, 'taskId' | 'model' | 'videoUrl' | 'api'>,
): Promise<IBinaryData> {
	let response = await openDownload.call(this, task.videoUrl ?? '');
	if (DEAD_LINK_STATUSES.has(response.statusCode)) {
		response.body.resume();
		const current = await fetchTask
			.call(this, taskModelOf(task.model), task.taskId, task.api ?? 'legacy')
			.catch(() => null);
		if (current?.videoUrl) response = await openDownload.call(this, current.videoUrl);
	}
	if (response.statusCode >= 400) {
		response.body.resume();
		const { message, description } = downloadFailed(
			task.taskId,
			response.statusCode,
			DEAD_LINK_STATUSES.has(response.statusCode),
		);
		throw new NodeOperationError(this.getNode(), message, { description });
	}
	const contentType = String(response.headers['content-type'] ?? '')
		.split(';')[0]
		.trim();
	const mimeType =
		contentType && contentType !== 'application/octet-stream' ? contentType : 'video/mp4';
	return await this.helpers.prepareBinaryData(response.body, `${task.taskId}.mp4`, mimeType);
}

/** The size a server announces for a URL (HEAD), or undefined when it does not say or fails. */
export async function announcedSize(
	this: IExecuteFunctions,
	url: string,
): Promise<number | undefined> {
	try {
		const response = (await this.helpers.httpRequest({
			method: 'HEAD',
			url,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 10_000,
		})) as { statusCode: number; headers: IDataObject };
		const length = Number(response.headers['content-length']);
		return response.statusCode < 400 && Number.isFinite(length) && length > 0 ? length : undefined;
	} catch {
		// The size is only a courtesy check; KIE itself has the last word.
		return undefined;
	}
}
