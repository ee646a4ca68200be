import type { INodeProperties } from 'n8n-workflow';

import { RECOMMENDED_POLL_SECONDS } from '../../kie/constants';
import { downloadOptions } from '../../helpers/results';

/** The fields every create operation (generate, extend, modify) shares: how to wait for results. */
export const completionFields: INodeProperties[] = [
	{
		displayName: 'Completion',
		name: 'completion',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Wait for Result (Poll)',
				value: 'poll',
				description:
					'Create the tasks, then check KIE until every video is ready. Simple and works ' +
					'anywhere; the node stays busy while KIE renders (usually 1-15 minutes).',
			},
			{
				name: 'Wait for Callback (Pause Workflow)',
				value: 'callback',
				description:
					'Create the tasks, then pause this execution (no worker held) until KIE calls back for ' +
					'every task. Needs an n8n URL that KIE can reach from the internet (WEBHOOK_URL).',
			},
			{
				name: 'Submit Only',
				value: 'submit',
				description:
					'Create the tasks and continue at once with their task IDs. Get results later with the ' +
					'Get operation, or have KIE call a KIE Trigger workflow.',
			},
		],
		default: 'poll',
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://your-n8n.example.com/webhook/…/kie',
		description:
			'Optional. KIE POSTs the result here when the task ends. To continue in another workflow, ' +
			"add a KIE Trigger node there and paste its Production URL (shown in the trigger's panel). " +
			'KIE must be able to reach this URL from the internet.',
		displayOptions: { show: { completion: ['submit'] } },
	},
	{
		displayName: 'Reference',
		name: 'reference',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.rowId }}',
		description:
			'Optional value of yours (a row ID, a file name) returned with the task. It is added to ' +
			'the Callback URL, so the KIE Trigger outputs it too.',
	},
	{
		displayName: 'Options',
		name: 'completionOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { completion: ['poll', 'callback'] } },
		options: [
			...downloadOptions,
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: RECOMMENDED_POLL_SECONDS,
				displayOptions: { show: { '/completion': ['poll'] } },
				description:
					`How often each task is checked. KIE recommends ${RECOMMENDED_POLL_SECONDS} s: ` +
					'a 10-minute video then costs 20 status calls and is noticed within ' +
					`${RECOMMENDED_POLL_SECONDS} s of finishing.`,
			},
			{
				displayName: 'Timeout (Minutes)',
				name: 'timeoutMinutes',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 30,
				description:
					'How long to wait for all tasks. Then tasks without a result are checked once more; ' +
					'those still running are named (in the error, or in callback mode in their items), so ' +
					'they can be picked up with the Get operation. Nothing is created twice.',
			},
		],
	},
];
