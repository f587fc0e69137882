// The prompt picker (type a request, or pick a recent one or a template; attach images) and the review
// editor of the full prompt: VS Code's side of sending work.
import * as vscode from 'vscode';
import type { PromptPickRequest, PromptPickResult, PromptUi, ReviewRequest } from '../ui/interaction';

export const vscodePromptUi: PromptUi = {
  pickPrompt: (request) => showPromptPicker(request),
  reviewPrompt: (request) => reviewPromptInEditor(request),
};

async function reviewPromptInEditor(request: ReviewRequest): Promise<string | undefined> {
  const document = await vscode.workspace.openTextDocument({ language: request.language ?? 'markdown', content: request.text });
  await vscode.window.showTextDocument(document, { preview: false });
  // The text as last seen, in case the user closes the editor before choosing.
  let latest = document.getText();
  const watcher = vscode.workspace.onDidChangeTextDocument((event) => {
    if (event.document === document) latest = event.document.getText();
  });
  try {
    const send = vscode.l10n.t('Send');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Codegen: review the prompt in the editor (you can edit it), then choose Send.'),
      send,
      vscode.l10n.t('Cancel'),
    );
    if (choice !== send) return undefined;
    return document.isClosed ? latest : document.getText();
  } finally {
    watcher.dispose();
    if (!document.isClosed) {
      // Closes the review editor without asking to save the untitled document.
      await vscode.window.showTextDocument(document, { preview: false });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
}

type PromptItem = vscode.QuickPickItem & { action?: 'send' | 'several' | 'fromChanges' | 'history' | 'template'; text?: string; templateId?: string };

/** Long history entries are cut in the list (the full text is sent). */
const HISTORY_LABEL_CHARS = 120;

function showPromptPicker(request: PromptPickRequest): Promise<PromptPickResult | undefined> {
  return new Promise((resolve) => {
    const picker = vscode.window.createQuickPick<PromptItem>();
    const subscriptions: vscode.Disposable[] = [picker];
    let settled = false;
    const finish = (result: PromptPickResult | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(result);
      picker.hide();
      for (const s of subscriptions) s.dispose();
    };

    const imageCount = request.images.length;
    picker.title =
      imageCount === 0
        ? request.title
        : imageCount === 1
          ? vscode.l10n.t('{0} · 1 image attached', request.title)
          : vscode.l10n.t('{0} · {1} images attached', request.title, imageCount);
    picker.placeholder = request.placeHolder ?? vscode.l10n.t('Describe what the agent should do, or pick a recent request or a template');
    picker.ignoreFocusOut = true;
    picker.matchOnDescription = false;
    picker.matchOnDetail = false;
    const attachButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('file-media'), tooltip: vscode.l10n.t('Attach images…') };
    const clearButton: vscode.QuickInputButton = {
      iconPath: new vscode.ThemeIcon('clear-all'),
      tooltip:
        imageCount === 1
          ? vscode.l10n.t('Remove the attached image: {0}', request.images.join(', '))
          : vscode.l10n.t('Remove the attached images: {0}', request.images.join(', ')),
    };
    picker.buttons = request.allowImages ? (imageCount > 0 ? [attachButton, clearButton] : [attachButton]) : [];
    const editButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: vscode.l10n.t('Edit this request') };
    const forgetButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('close'), tooltip: vscode.l10n.t('Remove from history') };

    const historyItems: PromptItem[] = request.history.map((entry) => {
      const flat = entry.replace(/\s+/g, ' ').trim();
      return {
        label: flat.length > HISTORY_LABEL_CHARS ? `${flat.slice(0, HISTORY_LABEL_CHARS - 1)}…` : flat,
        action: 'history',
        text: entry,
        buttons: [editButton, forgetButton],
      };
    });
    const templateItems = (typed: boolean): PromptItem[] =>
      request.templates.map((template) => ({
        label: `$(symbol-snippet) ${template.label}`,
        description: typed ? vscode.l10n.t('template, with your request') : vscode.l10n.t('template'),
        detail: template.detail,
        action: 'template',
        templateId: template.id,
        alwaysShow: true,
      }));
    const render = (): void => {
      const typed = picker.value.trim() !== '';
      const items: PromptItem[] = [];
      if (typed) items.push({ label: `$(send) ${picker.value.trim()}`, description: vscode.l10n.t('Send this request'), action: 'send', alwaysShow: true });
      if (typed) items.push({ label: `$(organization) ${vscode.l10n.t('Send to several agents…')}`, description: vscode.l10n.t('the same request as 2 to 4 runs, to compare'), action: 'several', alwaysShow: true });
      if (typed) items.push({ label: `$(git-commit) ${vscode.l10n.t('Start from my uncommitted changes…')}`, description: vscode.l10n.t('pushed as a branch the agent starts from'), action: 'fromChanges', alwaysShow: true });
      if (historyItems.length > 0) items.push({ label: vscode.l10n.t('Recent'), kind: vscode.QuickPickItemKind.Separator }, ...historyItems);
      if (request.templates.length > 0) items.push({ label: vscode.l10n.t('Templates'), kind: vscode.QuickPickItemKind.Separator }, ...templateItems(typed));
      picker.items = items;
    };

    subscriptions.push(
      picker.onDidChangeValue(() => render()),
      picker.onDidAccept(() => {
        const item = picker.activeItems[0] ?? picker.selectedItems[0];
        if (item?.action === 'send') finish({ kind: 'send', text: picker.value });
        else if (item?.action === 'several') finish({ kind: 'send', text: picker.value, several: true });
        else if (item?.action === 'fromChanges') finish({ kind: 'send', text: picker.value, fromChanges: true });
        else if (item?.action === 'history' && item.text !== undefined) finish({ kind: 'send', text: item.text });
        else if (item?.action === 'template' && item.templateId !== undefined) finish({ kind: 'send', text: picker.value, templateId: item.templateId });
      }),
      picker.onDidTriggerButton((button) => {
        if (button === attachButton) finish({ kind: 'attachImages', draft: picker.value });
        else if (button === clearButton) finish({ kind: 'clearImages', draft: picker.value });
      }),
      picker.onDidTriggerItemButton((event) => {
        const entry = event.item.text;
        if (entry === undefined) return;
        if (event.button === editButton) {
          picker.value = entry;
          render();
        } else if (event.button === forgetButton) finish({ kind: 'forget', entry, draft: picker.value });
      }),
      picker.onDidHide(() => finish(undefined)),
    );
    picker.value = request.value ?? '';
    render();
    picker.show();
  });
}
