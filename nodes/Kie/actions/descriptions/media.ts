import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { binaryByteSize, uploadBinary } from '../../kie/files';
import type { InputRules } from '../../helpers/validation';

/**
 * A video or image input that is either a public URL or a binary property of the input item (which
 * the node first uploads to KIE's file host). `name` prefixes the three fields it creates.
 */
export function mediaInputFields(
	name: string,
	displayName: string,
	{ required, hint }: { required: boolean; hint: string },
): INodeProperties[] {
	const sourceOptions = [
		{ name: 'URL', value: 'url', description: 'A public https:// link KIE can download' },
		{
			name: 'Binary File',
			value: 'binary',
			description:
				'A file from an earlier node (e.g. Google Drive, Form, Read File); uploaded to KIE first',
		},
	];
	const source: INodeProperties = required
		? {
				displayName: `${displayName} Source`,
				name: `${name}Source`,
				type: 'options',
				options: sourceOptions,
				default: 'url',
				description: hint,
			}
		: {
				displayName: `${displayName} Source`,
				name: `${name}Source`,
				type: 'options',
				options: [{ name: 'None', value: 'none' }, ...sourceOptions],
				default: 'none',
				description: hint,
			};
	return [
		source,
		{
			displayName: `${displayName} URL`,
			name: `${name}Url`,
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/file',
			description:
				`Public link to the ${displayName.toLowerCase()}: ` +
				'KIE downloads it, so it must be reachable from the internet',
			displayOptions: { show: { [`${name}Source`]: ['url'] } },
		},
		{
			displayName: `${displayName} Binary Field`,
			name: `${name}BinaryProperty`,
			type: 'string',
			default: 'data',
			required: true,
			description: "Name of the input item's binary property that holds the file",
			displayOptions: { show: { [`${name}Source`]: ['binary'] } },
		},
	];
}

/**
 * Checks that `property` is a binary of the input item within `maxBytes`, without reading it: the
 * error names `field` (the parameter that named the property) or, for the size, `displayName`.
 */
export function checkBinaryInput(
	context: IExecuteFunctions,
	itemIndex: number,
	rules: InputRules,
	property: string,
	{ field, displayName, maxBytes }: { field: string; displayName: string; maxBytes?: number },
): void {
	let bytes: number | undefined;
	try {
		bytes = binaryByteSize(context.helpers.assertBinaryData(itemIndex, property));
	} catch {
		throw rules.broken(field, property, 'must name a binary property of the input item');
	}
	if (maxBytes !== undefined) rules.maxBytes(displayName, bytes, maxBytes);
}

export interface MediaInput {
	source: 'none' | 'url' | 'binary';
	/** The public URL (given, or where the binary will be uploaded). */
	resolve(): Promise<string | undefined>;
}

/**
 * Reads and checks a media input for one item without sending anything; `resolve()` uploads a
 * binary only when the whole batch has passed validation.
 */
export function readMediaInput(
	context: IExecuteFunctions,
	itemIndex: number,
	rules: InputRules,
	name: string,
	displayName: string,
	{ allowHttp, maxBytes }: { allowHttp: boolean; maxBytes?: number },
): MediaInput {
	const source = context.getNodeParameter(
		`${name}Source`,
		itemIndex,
		'none',
	) as MediaInput['source'];
	if (source === 'url') {
		const url = rules.publicUrl(
			`${displayName} URL`,
			context.getNodeParameter(`${name}Url`, itemIndex),
			allowHttp,
		);
		return { source, resolve: async () => url };
	}
	if (source === 'binary') {
		const property = rules.text(
			`${displayName} Binary Field`,
			context.getNodeParameter(`${name}BinaryProperty`, itemIndex),
		);
		checkBinaryInput(context, itemIndex, rules, property, {
			field: `${displayName} Binary Field`,
			displayName,
			maxBytes,
		});
		return {
			source,
			resolve: async () => (await uploadBinary.call(context, itemIndex, property)).url,
		};
	}
	return { source: 'none', resolve: async () => undefined };
}
