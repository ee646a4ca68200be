import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MARKET_MODELS, type MarketModel } from '../../kie/catalogue';
import { createExecute, type CreateSpec } from '../../helpers/completion';
import { readCatalogueInput } from './input';

/**
 * How a catalogue entry is created: Market models as `{ model, input }` on the Market API; Veo 3.1
 * on its own endpoint with the fields at the top level plus the entry's fixed values
 * (docs/market-models.md).
 */
export function createSpecFor(model: MarketModel): CreateSpec {
	const veo = model.api === 'veoLegacy';
	return {
		model: veo ? 'veo' : 'market',
		api: veo ? 'legacy' : 'market',
		async prepare({ itemIndex, rules }) {
			const input = readCatalogueInput(this, itemIndex, rules, model);
			return async () => {
				const values = await input.resolve();
				return veo ? { ...model.fixed, ...values } : { model: model.id, input: values };
			};
		},
	};
}

/** The family's Generate: the chosen model's form, checked, then the three completion modes. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const family = this.getNodeParameter('resource', 0) as string;
	const id = this.getNodeParameter('videoModel', 0) as string;
	const model = MARKET_MODELS.find((entry) => entry.id === id && entry.family === family);
	if (!model) {
		const known = MARKET_MODELS.filter((entry) => entry.family === family).map((entry) => entry.id);
		throw new NodeOperationError(this.getNode(), `Model "${id}" is not one this node offers`, {
			description: `Choose one of: ${known.join(', ')}. For any other model, use the resource "Other Market Model".`,
		});
	}
	return await createExecute(createSpecFor(model)).call(this, items);
}
