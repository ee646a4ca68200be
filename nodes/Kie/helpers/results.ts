import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';

import { downloadTaskVideo } from '../kie/files';
import type { KieTask } from '../kie/tasks';
import { errorText } from './errorMessages';
import type { SubmittedTask } from './batch';

/** "Download Result" and where to put it: in the create, get and trigger options. */
export const downloadOptions: INodeProperties[] = [
	{
		displayName: 'Download Result',
		name: 'downloadResult',
		type: 'boolean',
		default: false,
		description:
			'Whether to download the result video into a binary property ' +
			'(streamed, so large videos are fine)',
	},
	{
		displayName: 'Put Video in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary property the downloaded video is written to',
	},
];

/** The values of downloadOptions. */
export interface DownloadOptions {
	downloadResult?: boolean;
	binaryPropertyName?: string;
}

/**
 * The one download block: when asked and the task succeeded, the video is streamed into the item's
 * binary. A failed download does not drop the item (the task is done and paid for): it carries
 * `downloadError`, and the caller decides whether that fails the node.
 */
export async function attachVideo(
	context: IExecuteFunctions | IWebhookFunctions,
	item: INodeExecutionData,
	task: KieTask,
	options: DownloadOptions,
): Promise<INodeExecutionData> {
	if (!options.downloadResult || task.status !== 'succeeded' || !task.videoUrl) return item;
	try {
		item.binary = {
			[options.binaryPropertyName || 'data']: await downloadTaskVideo.call(context, task),
		};
	} catch (error) {
		item.json.downloadError = errorText(error as Error);
	}
	return item;
}

/** The output item of a finished task: the task object, the caller's reference, and the video. */
export async function resultItem(
	context: IExecuteFunctions | IWebhookFunctions,
	task: KieTask,
	itemIndex: number,
	reference: string,
	options: DownloadOptions,
): Promise<INodeExecutionData> {
	const json: KieTask = { ...task, ...(reference ? { reference } : {}) };
	return await attachVideo(context, { json, pairedItem: { item: itemIndex } }, task, options);
}

/** The task object for a task that was just created. */
export function submittedTask(task: SubmittedTask, reference: string): KieTask {
	return {
		taskId: task.taskId,
		// A Market model's task is called by KIE's model id, as its status record will say.
		model: task.marketModel ?? task.model,
		status: 'queued',
		videoUrl: null,
		videoUrls: [],
		thumbnailUrl: null,
		error: null,
		createdAt: new Date(task.submittedAt).toISOString(),
		completedAt: null,
		expiresAt: null,
		...(reference ? { reference } : {}),
		api: task.api,
		...(task.marketModel ? { marketModel: task.marketModel } : {}),
		raw: { taskId: task.taskId },
	};
}

/** A task that did not end in time, with what is known of it and what to do next. */
export function unfinishedTask(
	taskId: string,
	last: KieTask | null,
	base: Partial<KieTask>,
	message: string,
): KieTask {
	return {
		taskId,
		videoUrl: null,
		videoUrls: [],
		thumbnailUrl: null,
		createdAt: null,
		completedAt: null,
		expiresAt: null,
		raw: {} as IDataObject,
		...base,
		...(last ?? {}),
		status: last?.status ?? 'queued',
		error: { code: null, message },
	} as KieTask;
}
