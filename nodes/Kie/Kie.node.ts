import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account';
import * as aleph from './actions/aleph';
import * as catalogue from './actions/catalogue';
import * as file from './actions/file';
import * as luma from './actions/luma';
import * as market from './actions/market';
import { router } from './actions/router';
import * as runway from './actions/runway';
import { resumeFromCallback, WAKE_UP_PATH } from './helpers/callbackMode';
import { nothingToRegister } from './helpers/webhookMethods';

export class Kie implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'KIE',
		name: 'kie',
		icon: { light: 'file:../../icons/kie.svg', dark: 'file:../../icons/kie.dark.svg' },
		group: ['transform'],
		// 1.1: the "KIE API" setting defaults to Automatic (Market API first); version 1 keeps Legacy.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Generate and transform videos with KIE.ai: Runway, Veo 3.1, Kling, Hailuo, Seedance, Wan, ' +
			'Grok Imagine, Luma Modify and any Market model',
		defaults: { name: 'KIE' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'kieApi', required: true }],
		// Callback mode: KIE's callbacks arrive at this execution's resume URL (restartWebhook); the
		// node's own wake-up call at the time limit at that URL plus WAKE_UP_PATH.
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
			},
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: WAKE_UP_PATH,
				restartWebhook: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				// Sorted by name, as n8n lists options; the video catalogue's families come from its data.
				options: [
					{ name: 'Account', value: 'account', description: 'Credits left on the KIE account' },
					...catalogue.resourceOptions,
					{
						name: 'Other Market Model',
						value: 'market',
						description: "Any model of KIE's Market API, by its model ID, with JSON input",
					},
					{
						name: 'File',
						value: 'file',
						description: 'Upload files to KIE, or get download links for KIE results',
					},
					{
						name: 'Luma Modify',
						value: 'luma',
						description: 'Change an existing video with a prompt',
					},
					{
						name: 'Runway Aleph (Video to Video)',
						value: 'aleph',
						description: 'Restyle or edit an existing video with a prompt',
					},
					{
						name: 'Runway Gen4 Video',
						value: 'runway',
						description: 'Make a video from text or an image, or extend one',
					},
				].sort((a, b) => a.name.localeCompare(b.name)),
				default: 'runway',
			},
			...runway.description,
			...aleph.description,
			...luma.description,
			...file.description,
			...account.description,
			...catalogue.description,
			...market.description,
		],
	};

	// Resume webhooks are never registered at activation, so there is nothing to create or delete.
	webhookMethods = nothingToRegister;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeFromCallback.call(this);
	}
}
