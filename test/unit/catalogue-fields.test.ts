import { NodeHelpers, type INode, type INodeParameters, type INodeProperties } from 'n8n-workflow';

import { Kie } from '../../nodes/Kie/Kie.node';
import { CATALOGUE_FAMILIES } from '../../nodes/Kie/actions/catalogue';
import { paramName } from '../../nodes/Kie/actions/catalogue/fields';
import { MARKET_MODELS } from '../../nodes/Kie/kie/catalogue';

// The n8n form each catalogue entry becomes, read the way n8n reads a node's parameters
// (NodeHelpers.getNodeParameters, as the editor and the engine do): each model shows its own
// fields with their defaults, nothing of another model, and a parameter name means one n8n type
// within a family (saved workflows keep a parameter's value when the user switches model).

const description = new Kie().description;
const properties = description.properties;

function nodeWith(parameters: INodeParameters): INode {
	return {
		id: 'n',
		name: 'KIE',
		type: 'CUSTOM.kie',
		typeVersion: 1.1,
		position: [0, 0],
		parameters,
	};
}

/** The parameters n8n keeps for a node set to `parameters`, defaults filled in. */
function resolved(parameters: INodeParameters): INodeParameters {
	const node = nodeWith(parameters);
	return NodeHelpers.getNodeParameters(properties, parameters, true, false, node, description)!;
}

describe('each curated model is a form of its own', () => {
	test.each(MARKET_MODELS.map((model) => [model.id]))('%s', (id) => {
		const model = MARKET_MODELS.find((entry) => entry.id === id)!;
		const values = resolved({ resource: model.family, operation: 'generate', videoModel: id });
		expect(values.videoModel).toBe(id);
		for (const field of model.fields) {
			const name = paramName(field);
			const isMedia = /Urls?$/.test(field.type);
			if (field.default !== undefined)
				expect({ [name]: values[name] }).toEqual({ [name]: field.default });
			if (isMedia) expect(Object.keys(values).some((key) => key.endsWith('Source'))).toBe(true);
		}
		// Nothing of the family's other models is kept for this one.
		const own = new Set(model.fields.map(paramName));
		const others = MARKET_MODELS.filter((entry) => entry.family === model.family && entry.id !== id)
			.flatMap((entry) => entry.fields.map(paramName))
			.filter((name) => !own.has(name));
		for (const name of others) expect({ [name]: name in values }).toEqual({ [name]: false });
		expect(values.completion).toBe('poll');
	});
});

describe('a parameter name means one n8n type within a family', () => {
	test.each(CATALOGUE_FAMILIES.map((family) => [family]))('%s', (family) => {
		const typeOf = new Map<string, string>();
		const clashes: string[] = [];
		const shownFor = (property: INodeProperties) => property.displayOptions?.show?.resource;
		for (const property of properties) {
			if (!(shownFor(property) ?? []).includes(family)) continue;
			const seen = typeOf.get(property.name);
			if (seen !== undefined && seen !== property.type) {
				clashes.push(`${property.name}: ${seen} and ${property.type}`);
			}
			typeOf.set(property.name, property.type);
		}
		expect(clashes).toEqual([]);
	});
});

test('every family is a resource of the node, listed in name order', () => {
	const resource = properties.find((property) => property.name === 'resource')!;
	const options = (resource.options ?? []) as Array<{ name: string; value: string }>;
	const values = options.map((option) => option.value);
	for (const family of [...CATALOGUE_FAMILIES, 'market']) expect(values).toContain(family);
	const names = options.map((option) => option.name);
	expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
});
