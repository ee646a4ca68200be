// n8n's WebhookHelpers.executeWebhook for a waiting node: the call checked against the resume token
// and the node's restart webhooks, then the node's webhook() run and its answer captured.
import { WebhookContext } from 'n8n-core';
import type {
	IHttpRequestMethods,
	INodeExecutionData,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { CapturedResponse } from './http';
import type { EngineNodeTypes } from './node-types';
import { type ResumeRequest, type WebhookAnswer, WaitingWebhookError } from './types';

export interface RestartWebhookCall {
	executionId: string;
	workflowId: string;
	workflow: Workflow;
	/** The waiting node. */
	nodeName: string;
	nodeTypes: EngineNodeTypes;
	mode: WorkflowExecuteMode;
	runExecutionData: IRunExecutionData;
	request: ResumeRequest;
	additionalData: IWorkflowExecuteAdditionalData;
}

/**
 * What the caller of the resume URL gets back, and the node's output when webhook() resumes the run
 * (its error when it threw: n8n then answers 500 and the execution keeps waiting).
 */
export async function callRestartWebhook({
	executionId,
	workflowId,
	workflow,
	nodeName,
	nodeTypes,
	mode,
	runExecutionData,
	request,
	additionalData,
}: RestartWebhookCall): Promise<{
	answered: WebhookAnswer;
	workflowData?: INodeExecutionData[][];
	webhookError?: Error;
}> {
	const node = workflow.getNode(nodeName)!;
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);

	const url = request.url ? new URL(request.url) : undefined;
	const query: Record<string, string | string[]> = { ...(request.query ?? {}) };
	url?.searchParams.forEach((value, key) => {
		query[key] ??= value;
	});
	const signature = query.signature;
	if (
		signature !== undefined &&
		runExecutionData.resumeToken &&
		signature !== runExecutionData.resumeToken
	) {
		throw new WaitingWebhookError(401, 'Invalid token');
	}
	const method = (request.method ?? 'POST').toUpperCase() as IHttpRequestMethods;
	const path = request.path ?? '';
	const webhookDescription = (nodeType.description.webhooks ?? []).find(
		(webhook) =>
			webhook.restartWebhook === true &&
			String(webhook.httpMethod).toUpperCase() === method &&
			String(webhook.path ?? '') === path,
	);
	if (!webhookDescription || !nodeType.webhook) {
		throw new WaitingWebhookError(
			404,
			`The workflow for execution "${executionId}" does not contain a waiting webhook with a matching path/method.`,
		);
	}

	const headers = Object.fromEntries(
		Object.entries(request.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]),
	);
	const reply = new CapturedResponse();
	const httpRequest = {
		method,
		url: url
			? `${url.pathname}${url.search}`
			: `/webhook-waiting/${executionId}${path ? `/${path}` : ''}`,
		body: request.body ?? {},
		headers,
		query,
		params: {},
		contentType: headers['content-type']?.split(';')[0],
	};
	additionalData.httpRequest =
		httpRequest as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse = reply as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
	const webhookData: IWebhookData = {
		httpMethod: method,
		node: nodeName,
		path,
		webhookDescription,
		workflowId,
		workflowExecuteAdditionalData: additionalData,
	};
	const context = new WebhookContext(
		workflow,
		node,
		additionalData,
		mode,
		webhookData,
		[],
		runExecutionData,
	);

	let response: IWebhookResponseData;
	try {
		response = await workflow.expression.withIsolate(
			async () => await nodeType.webhook!.call(context),
		);
	} catch (error) {
		// n8n answers 500 with a generic message and leaves the execution waiting
		const body = { message: 'Workflow Webhook Error: Workflow could not be started!' };
		return { answered: { statusCode: 500, body, headers: {} }, webhookError: error as Error };
	}

	const answered: WebhookAnswer = response.noWebhookResponse
		? reply.answer()
		: {
				statusCode: 200,
				body: response.webhookResponse ?? {
					message: response.workflowData ? 'Workflow was started' : 'Webhook call received',
				},
				headers: {},
			};
	return { answered, workflowData: response.workflowData };
}
