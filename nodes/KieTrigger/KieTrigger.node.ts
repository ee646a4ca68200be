import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { downloadOptions } from '../Kie/actions/shared/fields';
import { parseCallback, type ParsedCallback } from '../Kie/api/callbacks';
import { taskOf } from '../Kie/api/models';
import { RecentKeys } from '../Kie/api/dedupe';
import { downloadTaskVideo, errorText } from '../Kie/api/files';
import { DEFAULT_MAX_SKEW_SECONDS, verifyCallbackSignature } from '../Kie/api/signature';
import { fetchTask } from '../Kie/api/tasks';
import { CREDENTIAL_TYPE, type KieCredentials } from '../Kie/api/transport';
import { isTerminal, type KieModel, type KieTask } from '../Kie/api/types';
import { nothingToRegister } from '../Kie/actions/shared/webhookMethods';

const MODELS: KieModel[] = ['runway', 'runway-extend', 'aleph', 'luma'];

/** Task ids seen in the last day, per trigger node; 50,000 ids take a few MB at most. */
const recentCallbacks = new RecentKeys(50_000, 24 * 60 * 60 * 1000);

interface TriggerOptions {
	events?: Array<'succeeded' | 'failed'>;
	models?: KieModel[];
	verifySignature?: boolean;
	maxSkewSeconds?: number;
	confirmWithApi?: boolean;
	dropDuplicates?: boolean;
	downloadResult?: boolean;
	binaryPropertyName?: string;
}

/**
 * The task as the callback tells it. KIE sends the callback when the task ends, so its arrival
 * stands in for the completion time (and the 14-day expiry) until the status API confirms them.
 */
function taskFromCallback(callback: ParsedCallback, model: KieModel): KieTask {
	const { videoUrls, thumbnailUrl, error } = callback;
	return taskOf(
		model,
		callback.taskId,
		callback.status,
		{ videoUrls, thumbnailUrl, error, completedAt: new Date().toISOString() },
		callback.raw,
	);
}

function refuse(context: IWebhookFunctions, status: number, error: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ error });
	return { noWebhookResponse: true };
}

export class KieTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'KIE Trigger',
		name: 'kieTrigger',
		icon: { light: 'file:kie.svg', dark: 'file:kie.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'=Callbacks: {{ ($parameter["options"].events || ["succeeded", "failed"]).join(", ") }}',
		description: 'Starts the workflow when KIE reports that a video task has finished',
		defaults: { name: 'KIE Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kieApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty: n8n then answers with webhook()'s webhookResponse (left out, it would send the
				// literal text "firstEntryJson").
				responseData: '',
				path: 'kie',
			},
		],
		properties: [
			{
				displayName:
					"Copy this node's Production URL into the Callback URL of a KIE node (Completion: Submit Only). KIE must be able to reach it from the internet; the workflow must be active.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Confirm with KIE API',
						name: 'confirmWithApi',
						type: 'boolean',
						default: true,
						description:
							"Whether to read the task's status and URLs from KIE's API (one free call) instead of trusting the callback body, which KIE does not sign",
					},
					...downloadOptions,
					{
						displayName: 'Drop Duplicate Callbacks',
						name: 'dropDuplicates',
						type: 'boolean',
						default: true,
						description:
							'Whether to start the workflow only once per task when KIE sends the same callback again',
					},
					{
						displayName: 'Events',
						name: 'events',
						type: 'multiOptions',
						options: [
							{ name: 'Task Succeeded', value: 'succeeded' },
							{ name: 'Task Failed', value: 'failed' },
						],
						default: ['succeeded', 'failed'],
						description: 'Which outcomes start the workflow',
					},
					{
						displayName: 'Max Timestamp Skew (Seconds)',
						name: 'maxSkewSeconds',
						type: 'number',
						default: DEFAULT_MAX_SKEW_SECONDS,
						description:
							'Signed callbacks older or newer than this are refused (replay protection)',
					},
					{
						displayName: 'Models',
						name: 'models',
						type: 'multiOptions',
						options: [
							{ name: 'Luma Modify', value: 'luma' },
							{ name: 'Runway Aleph', value: 'aleph' },
							{ name: 'Runway Extend', value: 'runway-extend' },
							{ name: 'Runway Gen4', value: 'runway' },
						],
						default: [],
						description: 'Start only for these models (empty: all)',
					},
					{
						displayName: 'Verify Signature',
						name: 'verifySignature',
						type: 'boolean',
						default: true,
						description:
							'Whether to refuse callbacks without a valid X-Webhook-Signature when the credential has a Webhook HMAC Key',
					},
				],
			},
		],
	};

	// n8n registers this webhook itself; there is nothing to create or delete at KIE.
	webhookMethods = nothingToRegister;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const query = this.getQueryData() as IDataObject;
		// KIE posts JSON; n8n would also turn a form into an object that reads like a callback.
		const contentType = String((this.getHeaderData() as IDataObject)['content-type'] ?? '');
		if (!/^application\/json\b/i.test(contentType.trim()))
			return refuse(this, 415, `KIE callbacks are JSON, not "${contentType || 'untyped'}"`);
		const callback = parseCallback(this.getBodyData());
		if ('invalid' in callback) return refuse(this, 400, callback.invalid);

		const credentials = await this.getCredentials<KieCredentials>(CREDENTIAL_TYPE);
		if (options.verifySignature !== false && credentials.webhookHmacKey) {
			const verdict = verifyCallbackSignature(
				credentials.webhookHmacKey,
				callback.taskId,
				this.getHeaderData() as IDataObject,
				{
					maxSkewSeconds: options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS,
				},
			);
			if (!verdict.ok) return refuse(this, 401, `Signature refused: ${verdict.reason}`);
		}

		const dedupeKey = `${this.getWorkflow().id}:${this.getNode().id}:${callback.taskId}`;
		if (options.dropDuplicates !== false && !recentCallbacks.firstTime(dedupeKey)) {
			return { webhookResponse: { received: true, duplicate: true } };
		}

		// No early answer: n8n answers with webhookResponse only once it has stored the new execution, so
		// a 200 always means a run exists (answering first let callbacks be acknowledged and then lost
		// when n8n's database fell behind under load), and KIE's pace follows what n8n can take.

		const model = MODELS.includes(query.model as KieModel)
			? (query.model as KieModel)
			: callback.modelHint;
		let task = taskFromCallback(callback, model);
		let confirmation: IDataObject = { confirmed: false };
		if (options.confirmWithApi !== false) {
			try {
				const fromApi = await fetchTask.call(this, model, callback.taskId);
				if (fromApi && isTerminal(fromApi)) {
					task = { ...fromApi, model };
					confirmation = { confirmed: true };
				} else {
					confirmation = {
						confirmed: false,
						confirmError: `KIE's API reports the task as ${fromApi?.status ?? 'unknown'}`,
					};
				}
			} catch (error) {
				confirmation = { confirmed: false, confirmError: (error as Error).message };
			}
			if (!confirmation.confirmed) {
				// Anyone who knows a task id can post a callback: unconfirmed, its URLs are not passed on.
				task = { ...task, videoUrl: null, videoUrls: [], thumbnailUrl: null, raw: {} };
				confirmation.confirmError = `${String(confirmation.confirmError)}. The callback's URLs were not passed on: fetch the task with the Get operation.`;
			}
		}

		const events = options.events?.length ? options.events : ['succeeded', 'failed'];
		const models = options.models?.length ? options.models : MODELS;
		if (!events.includes(task.status as 'succeeded' | 'failed') || !models.includes(model)) {
			return {
				webhookResponse: {
					received: true,
					ignored: `${model} task ${task.status}: not among the trigger's events or models`,
				},
			};
		}

		const reference = typeof query.reference === 'string' ? query.reference : undefined;
		const item: INodeExecutionData = {
			json: {
				...task,
				...(reference !== undefined ? { reference } : {}),
				callback: { code: callback.callback.code, msg: callback.callback.msg, body: callback.raw },
				...confirmation,
			},
		};
		if (options.downloadResult && task.status === 'succeeded' && task.videoUrl) {
			try {
				item.binary = {
					[options.binaryPropertyName || 'data']: await downloadTaskVideo.call(this, task),
				};
			} catch (error) {
				item.json.downloadError = errorText(error as Error);
			}
		}
		return { webhookResponse: { received: true }, workflowData: [[item]] };
	}
}
