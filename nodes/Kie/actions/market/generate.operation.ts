import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { MARKET_MODELS, marketInputIssues } from '../../kie/catalogue';
import { createExecute } from '../../helpers/completion';
import { completionFields } from '../descriptions/completion';

// Any model of KIE's Market API by its id, with its input as JSON: a model KIE adds tomorrow works
// the same day, with the same completion modes, output and Download Result.

const properties: INodeProperties[] = [
	{
		displayName: 'Model ID',
		name: 'modelId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. kling-2.6/text-to-video',
		description:
			"KIE's model ID, as its Market page gives it (the `model` of the request body on " +
			'docs.kie.ai/market/…)',
	},
	{
		displayName: 'Input (JSON)',
		name: 'input',
		type: 'json',
		required: true,
		default: '{\n  "prompt": ""\n}',
		description:
			"The request's `input` object exactly as the model's KIE page shows it; media as public URLs " +
			'(upload binaries first with File → Upload)',
	},
	...completionFields,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['market'], operation: ['generate'] } },
	properties,
);

export const execute = createExecute({
	model: 'market',
	api: 'market',
	async prepare({ itemIndex, rules }) {
		const modelId = rules.text('Model ID', this.getNodeParameter('modelId', itemIndex));
		const raw = this.getNodeParameter('input', itemIndex);
		let input: unknown = raw;
		if (typeof raw === 'string') {
			try {
				input = JSON.parse(raw) as unknown;
			} catch {
				throw rules.broken('Input (JSON)', raw, 'must be valid JSON');
			}
		}
		if (typeof input !== 'object' || input === null || Array.isArray(input)) {
			throw rules.broken('Input (JSON)', raw, 'must be a JSON object, e.g. {"prompt": "…"}');
		}
		// A model the node knows is checked against its page's rules as well, before KIE bills.
		const known = MARKET_MODELS.find((model) => model.api === 'market' && model.id === modelId);
		const issue = known ? marketInputIssues(known, input as IDataObject)[0] : undefined;
		if (issue) {
			throw rules.broken(
				`Input (JSON) ${issue.field}${issue.crossField ? ':' : ''}`,
				(input as IDataObject)[issue.field],
				issue.rule,
			);
		}
		return async () => ({ model: modelId, input: input as IDataObject });
	},
});
