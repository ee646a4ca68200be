import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * Runs an operation once per input item: keeps pairedItem, and with "Continue On Fail" turns an
 * item's error into an error item instead of stopping the others.
 */
export async function forEachItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	run: (itemIndex: number) => Promise<IDataObject | INodeExecutionData>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await run(itemIndex);
			const item =
				'json' in result && typeof result.json === 'object'
					? (result as INodeExecutionData)
					: { json: result as IDataObject };
			output.push({ ...item, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (context.continueOnFail()) {
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
				continue;
			}
			throw toNodeError(context, error, itemIndex);
		}
	}
	return output;
}

/** n8n's own error types, with the item index set, whatever was thrown. */
export function toNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const known = error instanceof NodeApiError || error instanceof NodeOperationError;
	const failure = known
		? error
		: new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	if (failure.context.itemIndex === undefined) failure.context.itemIndex = itemIndex;
	return failure;
}
