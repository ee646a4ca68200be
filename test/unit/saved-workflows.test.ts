// Every parameter name and option value that a workflow saved with 0.1.0 (test/fixtures/saved-0.1.0)
// gives a KIE node or KIE Trigger still exists in that node's description at typeVersion 1, shown for
// those values (n8n's own NodeHelpers.getNodeParameters / displayParameter, `@version` included).
import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
	NodeParameterValueType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Kie } from '../../nodes/Kie/Kie.node';
import { KieTrigger } from '../../nodes/Kie/KieTrigger.node';
import {
	kieNodesOf,
	readSavedWorkflow,
	SAVED_KIE_TYPE,
	savedWorkflowFiles,
} from '../fixtures/saved-workflows';

const SAVED_VERSION = { typeVersion: 1 };

const descriptions: Record<string, INodeTypeDescription> = {
	[SAVED_KIE_TYPE]: new Kie().description,
	'n8n-nodes-kie-video.kieTrigger': new KieTrigger().description,
};

const isExpression = (value: unknown) => typeof value === 'string' && value.startsWith('=');

const isProperty = (
	option: INodeProperties | INodePropertyOptions | INodePropertyCollection,
): option is INodeProperties => 'type' in option;

/** A saved value against its property: option values that exist, collection fields that exist. */
function valueProblems(property: INodeProperties, value: unknown, where: string): string[] {
	if (isExpression(value) || value === undefined || value === null) return [];
	const options = property.options ?? [];
	switch (property.type) {
		case 'options':
		case 'multiOptions': {
			const known = options.map((o) => (o as INodePropertyOptions).value);
			const values = Array.isArray(value) ? value : [value];
			return values
				.filter((v) => !isExpression(v) && !known.includes(v as NodeParameterValueType & string))
				.map((v) => `${where}: no option value ${JSON.stringify(v)}`);
		}
		case 'collection': {
			return Object.entries(value as Record<string, unknown>).flatMap(([name, fieldValue]) => {
				const field = options.filter(isProperty).find((o) => o.name === name);
				return field
					? valueProblems(field, fieldValue, `${where}.${name}`)
					: [`${where}.${name}: no such field`];
			});
		}
		case 'fixedCollection': {
			return Object.entries(value as Record<string, unknown>).flatMap(([group, entries]) => {
				const collection = (options as INodePropertyCollection[]).find((o) => o.name === group);
				if (!collection?.values) return [`${where}.${group}: no such group`];
				const list = (Array.isArray(entries) ? entries : [entries]) as Array<
					Record<string, unknown>
				>;
				return list.flatMap((entry, i) =>
					Object.entries(entry).flatMap(([name, fieldValue]) => {
						const field = collection.values.find((o) => o.name === name);
						const at = `${where}.${group}[${i}].${name}`;
						return field ? valueProblems(field, fieldValue, at) : [`${at}: no such field`];
					}),
				);
			});
		}
		default:
			return [];
	}
}

/** A node's saved parameters against a description at typeVersion 1: every problem found. */
function parameterProblems(
	parameters: Record<string, unknown>,
	description: INodeTypeDescription,
): string[] {
	// n8n's own reading of a saved node: defaults filled in, parameters not shown for these values
	// (or not in the description at all) dropped.
	const resolved =
		NodeHelpers.getNodeParameters(
			description.properties,
			parameters as never,
			true,
			false,
			SAVED_VERSION,
			description,
		) ?? {};
	return Object.entries(parameters).flatMap(([name, value]) => {
		if (!(name in resolved)) return [`${name}: not a parameter shown in version 1`];
		const candidates = description.properties.filter((p) => p.name === name);
		const shown = candidates.find((p) =>
			NodeHelpers.displayParameter(resolved, p, SAVED_VERSION, description),
		);
		return valueProblems(shown ?? candidates[0], value, name);
	});
}

describe('parameters of the workflows saved with 0.1.0 exist at typeVersion 1', () => {
	const savedNodes = savedWorkflowFiles().flatMap((file) =>
		kieNodesOf(readSavedWorkflow(file)).map((node) => [`${file} › ${node.name}`, node] as const),
	);

	test('the fixtures hold KIE nodes and KIE Triggers, all of typeVersion 1, which both nodes still offer', () => {
		expect(savedNodes.length).toBeGreaterThanOrEqual(18);
		for (const [, node] of savedNodes) {
			expect(node.typeVersion).toBe(1);
			expect([descriptions[node.type].version].flat()).toContain(1);
		}
	});

	test.each(savedNodes)('%s', (_name, node) => {
		expect(parameterProblems(node.parameters, descriptions[node.type])).toEqual([]);
	});

	test('the check itself finds a renamed parameter, a removed option value and an unknown field', () => {
		const description = descriptions[SAVED_KIE_TYPE];
		const saved = {
			resource: 'runway',
			operation: 'generate',
			promptText: 'a fox',
			quality: '4k',
			completion: 'poll',
			completionOptions: { pollEverySeconds: 5 },
		};
		expect(parameterProblems(saved, description)).toEqual([
			'promptText: not a parameter shown in version 1',
			'quality: no option value "4k"',
			'completionOptions.pollEverySeconds: no such field',
		]);
	});
});
