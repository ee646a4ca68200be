// @ts-check
'use strict';
/**
 * The part of the editor page object (scripts/lib/editor.js) that covers signing in, workflows, the
 * nodes panel and a node's panel (fields, options, output). n8n 2.40.7's editor as a user sees it, one method per thing a user does (click, type, read), for
 * the editor e2e test and `npm run screenshots`. Methods wait with playwright's auto-waiting locators,
 * never with fixed sleeps, and return what is on screen so callers can assert it. Selectors are n8n's
 * own data-test-id attributes (the ones n8n's own Playwright tests use) or visible text.
 */
const { settle, dismissPopups } = require('./browser');

/** Generous: the editor shares 2 busy cores with n8n itself. */
const UI_TIMEOUT = 60_000;

/** @typedef {import('playwright-core').Page} Page @typedef {import('playwright-core').Locator} Locator */

class EditorPanels {
	/** @param {Page} page @param {string} baseUrl */
	constructor(page, baseUrl) {
		this.page = page;
		this.baseUrl = baseUrl;
		page.setDefaultTimeout(UI_TIMEOUT);
	}

	// --- canvas nodes (used to open nodes and read runs) -----------------------------------------

	canvasNodes() {
		return this.page.locator('[data-test-id=canvas-node]');
	}

	/** @param {string} name */
	canvasNode(name) {
		return this.canvasNodes().filter({ hasText: name }).first();
	}

	// --- signing in, workflows -------------------------------------------------------------------

	/** Signs in on n8n's login page; resolves once n8n's home page (with its sidebar) shows. @param {{ email: string, password: string }} owner */
	async signIn(owner) {
		const { page } = this;
		await page.goto(`${this.baseUrl}/signin`);
		await page.fill('#emailOrLdapLoginId', owner.email);
		await page.fill('#password', owner.password);
		await page.click('[data-test-id=form-submit-button]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
		await page.locator('[data-test-id=universal-add]').waitFor();
		await settle(page);
		await dismissPopups(page);
	}

	/** Sidebar "+" → "New workflow"; resolves on the empty canvas with its "Add first step" button. */
	async newWorkflow() {
		const { page } = this;
		const addFirstStep = page.locator('[data-test-id=canvas-add-button]');
		// Leaving a workflow that n8n has not auto-saved yet asks first.
		const unsaved = page.getByRole('dialog').filter({ hasText: 'Save changes before leaving?' });
		for (let attempt = 1; attempt <= 2; attempt++) {
			await page.locator('[data-test-id=universal-add]').click();
			await page.getByRole('menuitem', { name: 'New workflow' }).click();
			await firstOf(addFirstStep, unsaved);
			if (!(await unsaved.isVisible())) break;
			await unsaved.getByRole('button', { name: 'Save', exact: true }).click();
			await unsaved.waitFor({ state: 'hidden' });
			// Saving answers the question, but n8n sometimes stays on the saved workflow: ask again.
			const opened = await addFirstStep.waitFor({ timeout: 5000 }).then(
				() => true,
				() => false,
			);
			if (opened) break;
		}
		await addFirstStep.waitFor();
		await settle(page);
		await dismissPopups(page);
	}

	/** Opens a stored workflow by id (for pictures of imported ones). @param {string} id */
	async openWorkflow(id) {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`);
		await this.canvasNodes().first().waitFor();
		await settle(this.page);
		await dismissPopups(this.page);
	}

	/** "⋯" (workflow menu) → Import → From file, with `file`; resolves once its nodes are on the canvas. @param {string} file */
	async importFromFile(file) {
		const { page } = this;
		await page.locator('[data-test-id=workflow-menu]').click();
		await page.getByRole('menuitem', { name: 'Import' }).hover();
		const [chooser] = await Promise.all([
			page.waitForEvent('filechooser'),
			page.getByRole('menuitem', { name: 'From file' }).click(),
		]);
		await chooser.setFiles(file);
		await this.canvasNodes().first().waitFor();
		await settle(page);
	}

	/** The workflow's name as shown in the header. */
	async workflowName() {
		return (await this.page.locator('[data-test-id=workflow-name-input]').innerText()).trim();
	}

	// --- the nodes panel ("What triggers this workflow?" / "What happens next?") ------------------

	/** Clicks "Add first step" on an empty canvas; resolves when the trigger panel shows. */
	async openTriggerPanel() {
		await this.page.locator('[data-test-id=canvas-add-button]').click();
		await this.page.getByText('What triggers this workflow?').waitFor();
	}

	/** Clicks the "+" after a node on the canvas; resolves when "What happens next?" shows. @param {string} nodeName */
	async openNextNodePanel(nodeName) {
		await this.canvasNode(nodeName).locator('[data-test-id=canvas-handle-plus]').click();
		await this.page.getByText('What happens next?').waitFor();
	}

	/**
	 * Types `query` into the nodes panel's search and waits until `expected` is among the results; returns
	 * the names of the results shown, in order. Fails with the results seen when `expected` never shows.
	 * @param {string} query @param {string} expected
	 */
	async search(query, expected) {
		const { page } = this;
		const names = page.locator('[data-test-id=node-creator-item-name]');
		const before = (await names.allInnerTexts()).join('\n');
		await page.locator('[data-test-id=node-creator-search-bar]').first().fill(query);
		// The list re-renders after typing; the panel's first list may hold `expected` already.
		await page
			.waitForFunction(
				(prev) =>
					[
						.../** @type {any} */ (globalThis).document.querySelectorAll(
							'[data-test-id=node-creator-item-name]',
						),
					]
						.map((/** @type {any} */ el) => el.innerText)
						.join('\n') !== prev,
				before,
				{ timeout: 10_000 },
			)
			.catch(() => {});
		try {
			await names
				.filter({ hasText: exactly(expected) })
				.first()
				.waitFor({ timeout: 20_000 });
		} catch {
			const shown = await names.allInnerTexts();
			throw new Error(
				`searching the nodes panel for "${query}" shows no "${expected}"; it shows: ${shown.slice(0, 10).join(', ') || 'nothing'}`,
			);
		}
		return (await names.allInnerTexts()).map((n) => n.trim());
	}

	/** Clicks a result (node or trigger) by its exact name. @param {string} name */
	async pickResult(name) {
		await this.page
			.locator('[data-test-id=node-creator-item-name]')
			.filter({ hasText: exactly(name) })
			.first()
			.click();
	}

	/**
	 * A node's details in the panel (after picking a node with several actions): the section headings
	 * and their items, e.g. { 'Runway Gen4 Video Actions': ['Extend a video', ...], 'Triggers': [...] }.
	 * @returns {Promise<Record<string, string[]>>}
	 */
	async actionSections() {
		await this.page.getByText('Node details', { exact: true }).waitFor();
		const items = await this.stableActionItems();
		/** @type {Record<string, string[]>} */
		const sections = {};
		let current = '';
		for (const item of items) {
			if (item.heading) sections[(current = item.text)] = [];
			else (sections[current] ??= []).push(item.text);
		}
		return sections;
	}

	/** The node details' list, read at once (it re-renders while it fills): headings and actions, with their index among the list's elements. */
	async actionItems() {
		const list = this.page.locator('[data-test-id=item-iterator-item]');
		await list.filter({ visible: true }).first().waitFor();
		const all = await list.evaluateAll((els) =>
			els.map((el, index) => {
				const heading = el.getAttribute('data-keyboard-nav-type') === null;
				// Headings are upper-cased by CSS; their keyboard id keeps the real text.
				const text = heading
					? el.getAttribute('data-keyboard-nav-id') || ''
					: String(/** @type {any} */ (el).innerText).trim();
				// Earlier panels stay in the page, hidden.
				const visible = /** @type {any} */ (el).offsetParent !== null;
				return { heading, text, index, visible };
			}),
		);
		return all.filter((item) => item.visible);
	}

	/** actionItems once the list has stopped changing (n8n swaps the search results for it in steps). */
	async stableActionItems() {
		const deadline = Date.now() + 20_000;
		let last = JSON.stringify(await this.actionItems());
		for (;;) {
			await this.page.waitForTimeout(400);
			const now = JSON.stringify(await this.actionItems());
			if (now === last || Date.now() > deadline) return JSON.parse(now);
			last = now;
		}
	}

	/** The collapsible groups of a node's details, as shown, e.g. ["Triggers (1)", "Actions (10)"]. */
	async categories() {
		const headers = this.page.locator('[data-test-id=node-creator-category-item]');
		await headers.first().waitFor();
		return (await headers.allInnerTexts()).map((t) => t.trim());
	}

	/** Clicks `action` under the heading `section` in a node's details; resolves when the node's panel opens. @param {string} section @param {string} action */
	async pickAction(section, action) {
		/** @type {{ heading: boolean, text: string, index: number }[]} */
		const items = await this.stableActionItems();
		const target = items.find(
			(item, i) =>
				!item.heading &&
				item.text === action &&
				items
					.slice(0, i)
					.filter((h) => h.heading)
					.pop()?.text === section,
		);
		if (!target) throw new Error(`the node's actions list has no "${action}" under "${section}"`);
		await this.page.locator('[data-test-id=item-iterator-item]').nth(target.index).click();
		await this.ndv.locator('[data-test-id=node-parameters]').waitFor();
	}

	// --- a node's panel (NDV) ---------------------------------------------------------------------

	get ndv() {
		return this.page.locator('[data-test-id=ndv]');
	}

	/** The node's name in its panel's title. */
	async ndvTitle() {
		return (await this.ndv.locator('[data-test-id=node-title-container]').innerText()).trim();
	}

	/** Double-clicks a node on the canvas; resolves when its panel shows. @param {string} nodeName */
	async openNode(nodeName) {
		await this.canvasNode(nodeName).dblclick();
		await this.ndv.locator('[data-test-id=node-parameters]').waitFor();
	}

	async closeNode() {
		await this.page.locator('[data-test-id=ndv-close-button]').click();
		await this.ndv.waitFor({ state: 'hidden' });
	}

	/** Labels of the visible parameters, in order (the node's own, not its Settings tab). */
	async fieldLabels() {
		const labels = this.ndv
			.locator('[data-test-id=node-parameters] [data-test-id=input-label] label')
			.filter({ visible: true });
		return (await labels.allInnerTexts()).map((t) => t.split('\n')[0].trim());
	}

	/** A parameter's input by its internal name. @param {string} name */
	field(name) {
		return this.ndv.locator(`[data-test-id=parameter-input-${name}]`);
	}

	/** What a text, number or dropdown parameter shows. @param {string} name */
	async fieldValue(name) {
		const input = this.field(name).locator('input, textarea').first();
		return (await input.inputValue()).trim();
	}

	/** Types into a text or number parameter. @param {string} name @param {string} value */
	async fill(name, value) {
		await this.field(name).locator('input, textarea').first().fill(value);
	}

	/** Whether a boolean parameter's switch is on. @param {string} name */
	async switchIsOn(name) {
		return /\bis-checked\b/.test(
			(await this.field(name).locator('.el-switch').getAttribute('class')) ?? '',
		);
	}

	/** @param {string} name */
	async toggle(name) {
		await this.field(name).locator('.el-switch').click();
	}

	/** Opens a dropdown parameter and returns its options (name and description, as shown); closes it again. @param {string} name */
	async dropdownOptions(name) {
		await this.field(name).click();
		const options = this.page.locator('.el-select-dropdown__item').filter({ visible: true });
		await options.first().waitFor();
		const texts = (await options.allInnerTexts()).map((t) => t.trim());
		await this.page.keyboard.press('Escape');
		await options.first().waitFor({ state: 'hidden' });
		return texts.map((t) => {
			const [optionName, ...rest] = t.split('\n');
			return { name: optionName.trim(), description: rest.join(' ').trim() };
		});
	}

	/** Picks `option` (its name as shown) in a dropdown parameter. @param {string} name @param {string} option */
	async choose(name, option) {
		await this.field(name).click();
		await this.page
			.locator('.el-select-dropdown__item')
			.filter({ visible: true })
			// an option shows its name and, below it, its description: match the name alone
			.filter({ has: this.page.getByText(option, { exact: true }) })
			.first()
			.click();
		await this.page
			.locator('.el-select-dropdown__item')
			.filter({ visible: true })
			.first()
			.waitFor({ state: 'hidden' });
	}

	/** Hovers a parameter's "?" and returns the tooltip it shows (the parameter's description). @param {string} name */
	async fieldHint(name) {
		const item = this.ndv
			.locator('[data-test-id=parameter-item]')
			.filter({ has: this.page.locator(`[data-test-id=parameter-input-${name}]`) })
			.first();
		await item.locator('[data-test-id=input-label]').hover();
		await item.locator('[data-test-id=input-label] [data-icon=circle-help]').hover();
		const tip = this.page
			.locator('[data-test-id=tooltip-content]')
			.filter({ visible: true })
			.last();
		await tip.waitFor();
		const text = (await tip.innerText()).trim();
		await this.page.mouse.move(5, 5);
		return text;
	}

	/** The choices under a collection's "Add Option" button; closes the list again. */
	async optionChoices() {
		await this.ndv.locator('[data-test-id=collection-parameter-add]').click();
		const choices = this.page.locator('[data-test-id=collection-parameter-option]');
		await choices.first().waitFor();
		const names = (await choices.allInnerTexts()).map((t) => t.trim());
		await this.page.keyboard.press('Escape');
		return names;
	}

	/** "Add Option" → `label`. @param {string} label */
	async addOption(label) {
		await this.ndv.locator('[data-test-id=collection-parameter-add]').click();
		await this.page
			.locator('[data-test-id=collection-parameter-option]')
			.filter({ hasText: exactly(label) })
			.click();
	}

	/** Opens "Webhook URLs", picks Test or Production, and returns the URL shown. @param {'test' | 'production'} which */
	async webhookUrl(which) {
		const toggle = this.ndv.getByText('Webhook URLs', { exact: true });
		const urls = this.ndv.locator('.webhook-url');
		if (!(await urls.first().isVisible())) await toggle.click();
		await this.ndv.locator(`[data-test-id=radio-button-${which}]`).click();
		await urls.first().waitFor();
		return (await urls.first().innerText()).trim();
	}

	/** A trigger's panel while "Execute workflow" listens: the Test URL it asks the user to call. */
	async listeningUrl() {
		await this.ndv.getByText('Listening for test event').first().waitFor();
		const url = /https?:\/\/\S+\/webhook-test\/\S+/.exec(await this.ndv.innerText());
		if (!url) throw new Error('the listening trigger shows no Test URL');
		return url[0];
	}

	/** The output panel's binary view of item 0: the file's fields as shown (File Name, Mime Type, …). */
	async outputBinary() {
		const output = this.page.locator('[data-test-id=output-panel]');
		const binaryTab = output.locator('[data-test-id=radio-button-binary]');
		await binaryTab.click();
		const card = output.locator('[data-test-id=ndv-binary-data_0]');
		await card.waitFor();
		/** @type {Record<string, string>} */
		const fields = {};
		const lines = (await card.innerText()).split('\n').map((l) => l.trim());
		for (let i = 0; i < lines.length - 1; i++) {
			if (lines[i].endsWith(':')) fields[lines[i].slice(0, -1)] = lines[i + 1];
		}
		return fields;
	}

	/** "View" on the output's first binary file; returns the <video> element n8n shows. */
	async viewBinaryVideo() {
		await this.page.locator('[data-test-id=ndv-view-binary-data]').first().click();
		const video = this.page.locator('[data-test-id=output-panel] video');
		await video.waitFor();
		return video;
	}

	/** The output panel's item count as shown, e.g. "1 item". */
	async outputItemCount() {
		const count = this.page.locator('[data-test-id=output-panel] [data-test-id=ndv-items-count]');
		await count.first().waitFor();
		return (await count.first().innerText()).trim();
	}
}

/** Resolves once any of the locators is visible (fails after the usual timeout). @param {Locator[]} locators */
async function firstOf(...locators) {
	const shown = await Promise.race(
		locators.map((l) =>
			l.waitFor().then(
				() => true,
				() => false,
			),
		),
	);
	if (!shown) await locators[0].waitFor({ timeout: 1 });
}

/** A regex that matches exactly this text (for hasText). @param {string} text */
function exactly(text) {
	return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

module.exports = { EditorPanels, UI_TIMEOUT, exactly };
