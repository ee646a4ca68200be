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
