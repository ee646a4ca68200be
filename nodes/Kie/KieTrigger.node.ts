import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { type ParsedCallback } from './kie/callbacks';
import { MODEL_IDS, MODELS } from './kie/models';
import { DEFAULT_MAX_SKEW_SECONDS } from './kie/signature';
import { MARKET_FAMILIES, MARKET_MODELS } from './kie/catalogue';
import { taskOf, type KieApi, type KieModel, type KieTask, type TaskModel } from './kie/tasks';
import {
	confirmWithKie,
	receiveCallback,
	signatureHeaders,
	signatureHolds,
} from './helpers/callbackIntake';
import { firstRunForTask, RecentKeys, taskKey } from './helpers/dedupe';
import { unconfirmedCallback } from './helpers/errorMessages';
import { attachVideo, downloadOptions, type DownloadOptions } from './helpers/results';
import { nothingToRegister } from './helpers/webhookMethods';

/** Task ids this process handed to a run in the last day, per trigger node; 50,000 take a few MB. */
const recentCallbacks = new RecentKeys(50_000, 24 * 60 * 60 * 1000);

type Outcome = 'succeeded' | 'failed';

/** A value of the Models option: one of the node's models, a catalogue family, or 'market'. */
type ModelFilter = TaskModel | (typeof MARKET_MODELS)[number]['family'];

interface TriggerOptions extends DownloadOptions {
	events?: Outcome[];
	models?: ModelFilter[];
	verifySignature?: boolean;
	maxSkewSeconds?: number;
	confirmWithApi?: boolean;
	dropDuplicates?: boolean;
}

/** The catalogue's Market families (Veo 3.1 is one of the node's models, Runway has its own). */
const MARKET_FAMILY_IDS = [...new Set(MARKET_MODELS.map((model) => model.family))].filter(
	(family) => family !== 'veo' && family !== 'runway',
);

/** Every value the Models option can take: the node's models, the catalogue's families, the rest. */
const TRIGGER_MODELS: ModelFilter[] = [...MODEL_IDS, ...MARKET_FAMILY_IDS, 'market'];

/** The Models option: every model of the one list and every catalogue family, by label. */
const modelOptions = [
	...MODEL_IDS.map((model) => ({ name: MODELS[model].label, value: model as ModelFilter })),
	...MARKET_FAMILY_IDS.map((family) => ({
		name: MARKET_FAMILIES[family],
		value: family as ModelFilter,
	})),
	{
		name: 'Other Market Models',
		value: 'market' as ModelFilter,
		description: "Tasks of KIE's Market API for models not listed here",
	},
].sort((a, b) => a.name.localeCompare(b.name));

/** Which Models value a task falls under: a Market task by its model id's catalogue family. */
function filterKeyOf(model: TaskModel, marketModel: string | undefined): ModelFilter {
	if (model !== 'market') return model;
	const family = MARKET_MODELS.find((candidate) => candidate.id === marketModel)?.family;
	return MARKET_FAMILY_IDS.find((id) => id === family) ?? 'market';
}

/**
 * What webhook() hands to execute() (the one input item of the execution it starts): the callback
 * as read, the model it was taken for, the caller's reference and when it arrived.
 */
interface Delivery {
	callback: ParsedCallback;
	model: TaskModel;
	reference?: string;
	receivedAt: string;
	/** Set when webhook() checked the signature on a key read earlier: execute() checks again. */
	recheckSignature?: Record<string, string>;
}

/** The key of the Delivery in webhook()'s item; an item without it is passed on as it is. */
const DELIVERY = 'kieTriggerDelivery';

/**
 * The task as the callback tells it. KIE sends the callback when the task ends, so its arrival
 * stands in for the completion time (and the 14-day expiry) until the status API confirms them.
 */
function taskFromCallback({ callback, model, receivedAt }: Delivery): KieTask {
	const { videoUrls, thumbnailUrl, error, api, marketModel } = callback;
	return taskOf(
		model,
		callback.taskId,
		callback.status,
		{
			videoUrls,
			thumbnailUrl,
			error,
			completedAt: receivedAt,
			api,
			...(model === 'market' && marketModel ? { marketModel } : {}),
		},
		callback.raw,
	);
}

/**
 * KIE's API on the task (one free call, retried as every read is). Unconfirmed, the callback's
 * URLs are not passed on: anyone who knows a task id can post a callback.
 */
async function confirmed(
	context: IExecuteFunctions,
	task: KieTask,
	model: TaskModel,
	api: KieApi,
): Promise<{ task: KieTask; confirmation: IDataObject }> {
	let confirmError: string;
	try {
		const confirmation = await confirmWithKie(context, model, task.taskId, api);
		if ('ended' in confirmation)
			return { task: confirmation.ended, confirmation: { confirmed: true } };
		confirmError = `KIE's API reports the task as ${confirmation.status}`;
	} catch (error) {
		confirmError = (error as Error).message;
	}
	return {
		task: { ...task, videoUrl: null, videoUrls: [], thumbnailUrl: null, raw: {} },
		confirmation: { confirmed: false, confirmError: unconfirmedCallback(confirmError) },
	};
}

/** Whether a task's outcome and model are among the trigger's Events and Models. */
function wanted(
	options: TriggerOptions,
	model: TaskModel,
	status: string,
	marketModel: string | null | undefined,
): boolean {
	const events: Outcome[] = options.events?.length ? options.events : ['succeeded', 'failed'];
	const models = options.models?.length ? options.models : TRIGGER_MODELS;
	return (
		events.includes(status as Outcome) &&
		models.includes(filterKeyOf(model, marketModel ?? undefined))
	);
}

/**
 * The trigger's output item for one delivery, or null when it starts nothing: a task another run
 * already took (n8n's database, across processes), or a confirmed outcome the filters leave out.
 */
async function triggerItem(
	context: IExecuteFunctions,
	delivery: Delivery,
	options: TriggerOptions,
): Promise<INodeExecutionData | null> {
	const { callback, model, reference } = delivery;
	if (
		delivery.recheckSignature &&
		!(await signatureHolds(context, callback.taskId, delivery.recheckSignature, {
			receivedAt: delivery.receivedAt,
			maxSkewSeconds: options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS,
		}))
	) {
		// Not KIE's (the key changed within the minute webhook() reused it): KIE's own callback for
		// this task must not be taken for a duplicate of it in this process.
		recentCallbacks.forget(taskKey(context, callback.taskId));
		return null;
	}
	// A retry is the user running this execution again on purpose.
	if (
		options.dropDuplicates !== false &&
		context.getMode() !== 'retry' &&
		!(await firstRunForTask(context, callback.taskId))
	)
		return null;
	let task = taskFromCallback(delivery);
	let confirmation: IDataObject = { confirmed: false };
	if (options.confirmWithApi !== false)
		({ task, confirmation } = await confirmed(context, task, model, callback.api));
	if (!wanted(options, model, task.status, task.marketModel ?? callback.marketModel)) return null;

	const item: INodeExecutionData = {
		json: {
			...task,
			...(reference !== undefined ? { reference } : {}),
			callback: { code: callback.callback.code, msg: callback.callback.msg, body: callback.raw },
			...confirmation,
		},
	};
	return await attachVideo(context, item, task, options);
}

export class KieTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'KIE Trigger',
		name: 'kieTrigger',
		icon: { light: 'file:../../icons/kie.svg', dark: 'file:../../icons/kie.dark.svg' },
		group: ['trigger'],
		// 1.1: the same node and options. n8n evaluates an expression for every call to a version-1
		// webhook (the old Webhook node's binary option) before it reads the body; 1.1 skips that,
		// which makes each callback's intake cheaper. Version 1 nodes work as before.
		version: [1, 1.1],
		defaultVersion: 1.1,
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
					"Copy this node's Production URL into the Callback URL of a KIE node " +
					'(Completion: Submit Only). KIE must be able to reach it from the internet; ' +
					'the workflow must be active.',
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
							"Whether to read the task's status and URLs from KIE's API (one free call) instead " +
							'of trusting the callback body, which KIE does not sign',
					},
					...downloadOptions,
					{
						displayName: 'Drop Duplicate Callbacks',
						name: 'dropDuplicates',
						type: 'boolean',
						default: true,
						description:
							'Whether to start the workflow only once per task ' +
							'when KIE sends the same callback again',
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
						options: modelOptions,
						default: [],
						description: 'Start only for these models (empty: all)',
					},
					{
						displayName: 'Verify Signature',
						name: 'verifySignature',
						type: 'boolean',
						default: true,
						description:
							'Whether to refuse callbacks without a valid X-Webhook-Signature when the ' +
							'credential has a Webhook HMAC Key',
					},
				],
			},
		],
	};

	// n8n registers this webhook itself; there is nothing to create or delete at KIE.
	webhookMethods = nothingToRegister;

	// webhook() does only what needs no network: it refuses what is not a callback for this node
	// (415/400/401, no execution), drops copies this process has seen and what the filters leave
	// out, and hands the callback on. n8n then stores the execution and only then answers KIE
	// (responseMode onReceived), so a 2xx still means a run exists. That run starts in execute()
	// (n8n runs execute() of a node that has both, with webhook()'s items as input), which confirms
	// with KIE's API and downloads without KIE waiting (KIE gives up after 15 s).
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const query = this.getQueryData() as IDataObject;
		const intake = await receiveCallback(this, {
			verifySignature: options.verifySignature !== false,
			maxSkewSeconds: options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS,
			reuseKey: true,
		});
		if ('refused' in intake) return intake.refused;
		const { callback, keyReused } = intake;

		// The node's `model=` query value tells Runway from Extend, which legacy callbacks cannot; a
		// Market callback names its model itself.
		const model: TaskModel =
			callback.api === 'market' && callback.modelHint !== 'market'
				? callback.modelHint
				: MODEL_IDS.includes(query.model as KieModel)
					? (query.model as KieModel)
					: callback.modelHint;
		// Filtered before the duplicate memory, so a forged callback claiming the other outcome cannot
		// make KIE's real one a "duplicate"; execute() filters again on the confirmed outcome.
		if (!wanted(options, model, callback.status, callback.marketModel)) {
			return {
				webhookResponse: {
					received: true,
					ignored: `${model} task ${callback.status}: not among the trigger's events or models`,
				},
			};
		}

		if (options.dropDuplicates !== false) {
			const dedupeKey = taskKey(this, callback.taskId);
			if (!recentCallbacks.firstTime(dedupeKey))
				return { webhookResponse: { received: true, duplicate: true } };
			// Kept only if n8n answered 2xx, which it does once the execution is stored: when its
			// database is too busy to store it, n8n answers 5xx and KIE's next try must not be a
			// "duplicate" of a run that does not exist.
			const response = this.getResponseObject();
			response.once('close', () => {
				if (!response.writableFinished || response.statusCode >= 300)
					recentCallbacks.forget(dedupeKey);
			});
		}

		const delivery: Delivery = {
			callback,
			model,
			...(typeof query.reference === 'string' ? { reference: query.reference } : {}),
			receivedAt: new Date().toISOString(),
			...(keyReused ? { recheckSignature: signatureHeaders(this) } : {}),
		};
		return {
			webhookResponse: { received: true },
			workflowData: [[{ json: { [DELIVERY]: delivery as unknown as IDataObject } }]],
		};
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const options = this.getNodeParameter('options', 0, {}) as TriggerOptions;
		const output: INodeExecutionData[] = [];
		for (const item of this.getInputData()) {
			const delivery = item.json[DELIVERY] as Delivery | undefined;
			// An item without a delivery (an execution queued by an older version) is already the output.
			const result = delivery ? await triggerItem(this, delivery, options) : item;
			if (result) output.push(result);
		}
		return [output];
	}
}
