/**
 * Engine-test harness: runs real n8n nodes (their own execute()/webhook() code) through
 * n8n-core's real WorkflowExecute, with n8n-core's real request and binary helpers.
 *
 * Nothing of n8n is mocked. The pieces n8n-cli normally provides are small plain objects:
 * - node types: the classes the test passes in, plus a start node ("Start") that emits `input`;
 * - credentials: a credentials helper that returns the given data (with the type's defaults)
 *   and applies the credential type's `authenticate` (generic: expressions resolved with
 *   `$credentials`, exactly like n8n-cli's CredentialsHelper);
 * - additionalData: a plain object (deep mocks break the engine);
 * - the execution store: a waiting execution is kept serialised (a copy, as n8n keeps it in its
 *   database), and resumed like n8n's waiting webhooks (`resume`, or a real POST to the resume
 *   URL after `listen()`) or its wait tracker at the deadline (`expire`).
 *
 * Nothing here knows about KIE: tests pass their node and credential classes in.
 *
 *   types.ts        public types, WaitingWebhookError   node-types.ts       the given types + Start
 *   credentials.ts  the credentials helper              store.ts            executions kept serialised
 *   workflow.ts     workflow data, additionalData       engine.ts           run/resume/expire/listen
 *   restart-webhook.ts  a waiting node's webhook()      http.ts             resume URLs over HTTP
 */
import '../env';

export { Engine, createEngine } from './engine';
export {
	type CredentialTypeInput,
	type EngineCredential,
	type EngineOptions,
	type NodeSpec,
	type NodeTypeInput,
	type ResumeRequest,
	type ResumeResult,
	type RunResult,
	type RunSpec,
	START_NODE_NAME,
	START_NODE_TYPE,
	WaitingWebhookError,
	type WebhookAnswer,
} from './types';
