import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { describeKieCode } from '../nodes/Kie/helpers/errorMessages';
import { DEFAULT_API_BASE_URL, DEFAULT_UPLOAD_BASE_URL } from '../nodes/Kie/kie/constants';

export class KieApi implements ICredentialType {
	name = 'kieApi';

	displayName = 'KIE API';

	icon: Icon = { light: 'file:../icons/kie.svg', dark: 'file:../icons/kie.dark.svg' };

	documentationUrl = 'https://docs.kie.ai';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your KIE API key, from https://kie.ai/api-key',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_API_BASE_URL,
			description:
				"Where KIE's API lives. Change it only for the KIE simulator or a compatible reseller.",
		},
		{
			displayName: 'Upload Base URL',
			name: 'uploadBaseUrl',
			type: 'string',
			default: DEFAULT_UPLOAD_BASE_URL,
			description:
				"KIE's file upload API lives on a different host than the main API " +
				'(and has no /v1 in its paths)',
		},
		{
			displayName: 'Webhook HMAC Key',
			name: 'webhookHmacKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. When set (generate it at https://kie.ai/settings), ' +
				'callbacks without a valid X-Webhook-Signature are refused.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// KIE answers a bad key with HTTP 200 and body code 401. n8n fails the test when a rule's body
	// value matches, so there is one rule per non-200 code KIE documents for this endpoint.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/chat/credit',
			method: 'GET',
		},
		rules: [401, 402, 404, 422, 429, 455, 500, 505].map((code) => ({
			type: 'responseSuccessBody' as const,
			properties: { key: 'code', value: code, message: describeKieCode(code).message },
		})),
	};
}
