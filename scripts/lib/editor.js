// @ts-check
'use strict';
/**
 * n8n 2.40.7's editor as a user sees it, one method per thing a user does (click, type, read), for
 * the editor e2e test and `npm run screenshots`: signing in, workflows, the nodes panel and a node's
 * panel come from EditorPanels (editor-panels.js); credentials, the canvas and runs are here.
 */
const { EditorPanels, UI_TIMEOUT } = require('./editor-panels');

class N8nEditor extends EditorPanels {
	// --- credentials ------------------------------------------------------------------------------

	get credentialModal() {
		return this.page.locator('[data-test-id=editCredential-modal]');
	}

	/** In a node's panel without a credential: "Connect to <service>" (or "Create new credential"). @param {string} service */
	async connectCredential(service) {
		await this.ndv.getByText(`Connect to ${service}`).click();
		await this.credentialModal
			.locator('[data-test-id=credential-connection-parameter]')
			.first()
			.waitFor();
	}

	/** The pencil beside the node's credential: opens it (n8n tests the connection again). */
	async editCredential() {
		await this.ndv.locator('[data-test-id=credential-edit-button]').click();
		await this.credentialModal.waitFor();
	}

	/** The credential selected in the node's panel. */
	async selectedCredential() {
		return (
			await this.ndv.locator('[data-test-id=node-credentials-select] input').inputValue()
		).trim();
	}

	/** Types into the credential's fields, by internal name (apiKey, baseUrl, …). @param {Record<string, string>} values */
	async fillCredential(values) {
		for (const [name, value] of Object.entries(values)) {
			await this.credentialModal
				.locator(`[data-test-id=parameter-input-${name}] input`)
				.first()
				.fill(value);
		}
	}

	/**
	 * Save: n8n stores the credential and runs its connection test. Resolves with what it shows:
	 * 'ok' ("Connection tested successfully", or the window closed on its own, which n8n does after a
	 * successful test of a credential made from a node), or the failure text with "More details" opened.
	 * @returns {Promise<{ ok: true } | { ok: false, message: string }>}
	 */
	async saveCredential() {
		const modal = this.credentialModal;
		// The banner of the previous test stays until the new result is in: wait for n8n's answer.
		const tested = this.page.waitForResponse(
			(r) => r.url().includes('/rest/credentials/test') && r.request().method() === 'POST',
		);
		await modal.locator('[data-test-id=credential-save-button]').click();
		const { data } = await (await tested).json();
		if (data?.status === 'OK') {
			// n8n shows the success, or closes the window itself (a new credential made from a node).
			await Promise.race(
				[
					modal.getByText('Connection tested successfully').waitFor(),
					modal.waitFor({ state: 'hidden' }),
				].map((p) => p.catch(() => {})),
			);
			return { ok: true };
		}
		const failure = modal.getByText('Couldn’t connect with these settings');
		await failure.waitFor();
		const moreDetails = modal.getByText('More details');
		await moreDetails.click();
		await moreDetails.waitFor({ state: 'hidden' });
		const banner = failure.locator('xpath=ancestor::*[contains(@class,"el-tag")][1]');
		return { ok: false, message: (await banner.innerText()).replace(/\s+/g, ' ').trim() };
	}

	/** Whether the credential window shows n8n's "Connection tested successfully". */
	async credentialTestedOk() {
		await this.credentialModal.getByText('Connection tested successfully').waitFor();
		return true;
	}

	async closeCredential() {
		if (!(await this.credentialModal.isVisible())) return;
		await this.credentialModal
			.locator('.el-dialog__headerbtn, button[aria-label="Close this dialog"]')
			.first()
			.click();
		await this.credentialModal.waitFor({ state: 'hidden' });
	}

	// --- the canvas and runs ----------------------------------------------------------------------

	/** The canvas's "Execute workflow" button. */
	async executeWorkflow() {
		await this.page.locator('[data-test-id=execute-workflow-button]').click();
	}

	/** Waits until a node shows n8n's green success mark. @param {string} name @param {number} [timeout] */
	async waitForNodeSuccess(name, timeout = UI_TIMEOUT * 2) {
		await this.canvasNode(name)
			.locator('[data-test-id=canvas-node-status-success]')
			.waitFor({ timeout });
	}

	/** The item counts on the canvas's connections, e.g. ["1 item", "5 items"]. */
	async edgeLabels() {
		return (await this.page.locator('[data-test-id=edge-label]').allInnerTexts())
			.map((t) => t.trim())
			.filter((t) => /\bitems?\b/.test(t));
	}

	/** Texts of the toasts shown now. */
	async toasts() {
		return (
			await this.page.locator('.el-notification').filter({ visible: true }).allInnerTexts()
		).map((t) => t.trim());
	}
}

module.exports = { N8nEditor, UI_TIMEOUT };
