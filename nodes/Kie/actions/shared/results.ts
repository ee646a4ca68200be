import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

import { downloadTaskVideo, errorText } from '../../api/files';
import type { KieTask } from '../../api/types';
import type { CompletionOptions } from './completion.fields';

/**
 * The output item of a finished task: the task object, the caller's reference, and the video if
 * asked. A failed download does not drop the item (the task is done and paid for): it carries
 * `downloadError`, and the caller decides whether that fails the node.
 */
export async function resultItem(
	context: IExecuteFunctions | IWebhookFunctions,
	task: KieTask,
	itemIndex: number,
	reference: string,
	options: CompletionOptions,
): Promise<INodeExecutionData> {
	const json: KieTask = { ...task, ...(reference ? { reference } : {}) };
	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (options.downloadResult && task.status === 'succeeded' && task.videoUrl) {
		try {
			item.binary = {
				[options.binaryPropertyName || 'data']: await downloadTaskVideo.call(context, task),
			};
		} catch (error) {
			json.downloadError = errorText(error as Error);
		}
	}
	return item;
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
