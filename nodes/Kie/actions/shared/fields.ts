import type { INodeProperties } from 'n8n-workflow';

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

/** "Download Result" and where to put it: in the create, get and trigger options. */
export const downloadOptions: INodeProperties[] = [
	{
		displayName: 'Download Result',
		name: 'downloadResult',
		type: 'boolean',
		default: false,
		description:
			'Whether to download the result video into a binary property (streamed, so large videos are fine)',
	},
	{
		displayName: 'Put Video in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Name of the binary property the downloaded video is written to',
	},
];
