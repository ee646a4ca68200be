import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadTaskVideo } from '../kie/files';
import { MODELS } from '../kie/models';
import { apiOrderFor, fetchTaskAnyApi } from '../kie/taskApi';
import type { TaskModel } from '../kie/tasks';
import { noRecordInEitherApi, noRecordOf } from './errorMessages';
import { forEachItem } from './items';
import type { DownloadOptions } from './results';
import { inputRules } from './validation';

/**
 * The execute() of every Get operation: the task object out. Runway and Aleph ids may come from
 * either of KIE's APIs: they are read where the id's shape points first, and on the other API only
 * when the first has no record (kie/taskApi.ts apiOrderFor), so a known id costs one status call.
 */
export function getExecute(model: TaskModel) {
	return async function execute(
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		return await forEachItem(this, items, async (itemIndex) => {
			const taskId = inputRules(this.getNode(), itemIndex).text(
				'Task ID',
				this.getNodeParameter('taskId', itemIndex),
			);
			const options = this.getNodeParameter('getOptions', itemIndex, {}) as DownloadOptions;
			const task = await fetchTaskAnyApi.call(this, model, taskId);
			if (task === null) {
				const { message, description } = (
					apiOrderFor(model, taskId).length > 1 ? noRecordInEitherApi : noRecordOf
				)(model === 'market' ? 'Market API' : MODELS[model].taskKind, taskId);
				throw new NodeOperationError(this.getNode(), message, { itemIndex, description });
			}
			if (!options.downloadResult || !task.videoUrl) return { json: task };
			const binary = await downloadTaskVideo.call(this, task);
			return { json: task, binary: { [options.binaryPropertyName || 'data']: binary } };
		});
	};
}
