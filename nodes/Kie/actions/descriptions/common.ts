import type { INodeProperties } from 'n8n-workflow';

import { downloadOptions } from '../../helpers/results';

// Field definitions several operations share, so each is described in one place.

export function promptField(description: string): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		typeOptions: { rows: 4 },
		description,
	};
}

export function taskIdField(description: string): INodeProperties {
	return {
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.taskId }}',
		description,
	};
}

/** Runway's quality, for generate and extend. */
export const qualityField: INodeProperties = {
	displayName: 'Quality',
	name: 'quality',
	type: 'options',
	options: [
		{ name: '720p', value: '720p' },
		{ name: '1080p (5 Seconds Only)', value: '1080p' },
	],
	default: '720p',
	description: 'Resolution of the video; 1080p only for 5-second videos',
};

/** Runway's watermark, for generate and extend. */
export const waterMarkField: INodeProperties = {
	displayName: 'Watermark',
	name: 'waterMark',
	type: 'string',
	default: '',
	description: 'Text drawn in the bottom-right corner. Leave empty for no watermark.',
};

/** Fields of every Get operation: the task ID and an optional download. */
export const getFields: INodeProperties[] = [
	taskIdField('The task ID returned when the task was created'),
	{
		displayName: 'Options',
		name: 'getOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: downloadOptions,
	},
];

const apiChoiceOptions = [
	{
		name: 'Automatic',
		value: 'automatic',
		description:
			"KIE's Market API, which KIE documents as current; its older per-model endpoint only when " +
			'KIE answers that the Market API does not serve the model (never after an answer that may ' +
			'have created a task)',
	},
	{
		name: 'Market',
		value: 'market',
		description: "KIE's Market API only (/api/v1/jobs/createTask)",
	},
	{
		name: 'Legacy',
		value: 'legacy',
		description: "KIE's older per-model endpoint only, as in version 1 of this node",
	},
];

const apiChoiceDescription =
	"Which of KIE's APIs creates the task. The output says which one ran (api).";

/**
 * The "KIE API" setting of Runway Generate, Runway Extend and Aleph Generate. Two definitions of one
 * parameter, told apart by node version (n8n's `@version` display option): version 1 defaults to
 * Legacy, so saved workflows send the same requests as before; version 1.1 to Automatic.
 */
export const apiChoiceFields: INodeProperties[] = [
	{
		displayName: 'KIE API',
		name: 'api',
		type: 'options',
		options: apiChoiceOptions,
		default: 'legacy',
		description: apiChoiceDescription,
		displayOptions: { show: { '@version': [1] } },
	},
	{
		displayName: 'KIE API',
		name: 'api',
		type: 'options',
		options: apiChoiceOptions,
		default: 'automatic',
		description: apiChoiceDescription,
		displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } },
	},
];
