// The user-facing dialogs the extension uses, behind one interface. Production uses the VS Code window;
// in-host tests swap in a scripted implementation (through the test hooks of the exported API) because
// a test cannot type into an input box. Everything else in those tests is the real VS Code API.
import * as vscode from 'vscode';
import { safeExternalUrl } from '../util/urlPolicy';

export type MessageSeverity = 'info' | 'warning' | 'error';

export interface MessageRequest {
  severity: MessageSeverity;
  message: string;
  /** Modal messages block the window; their first action is not the default (Cancel is). */
  modal?: boolean;
  detail?: string;
  actions?: string[];
}

export interface InputRequest {
  title?: string;
  prompt?: string;
  placeHolder?: string;
  value?: string;
  password?: boolean;
  ignoreFocusOut?: boolean;
  validate?: (value: string) => string | undefined;
}

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export interface PickRequest {
  title?: string;
  placeHolder?: string;
}

/** A prompt template as the prompt picker offers it. */
export interface PromptTemplateChoice {
  id: string;
  label: string;
  /** What the template says, shown under its label. */
  detail?: string;
}

export interface PromptPickRequest {
  title: string;
  placeHolder?: string;
  /** Text the input starts with, e.g. a request kept from a send that did not go through. */
  value?: string;
  /** Recent requests, most recent first. */
  history: readonly string[];
  templates: readonly PromptTemplateChoice[];
  /** Names of the images attached so far. */
  images: readonly string[];
  /** Offer the "Attach images…" button. */
  allowImages: boolean;
}

/**
 * What the user did in the prompt picker. Only 'send' ends it; the others ask the caller to do something
 * (open a file dialog, forget a history entry) and show the picker again with `draft` as its value.
 */
export type PromptPickResult =
  | { kind: 'send'; text: string; templateId?: string }
  | { kind: 'attachImages'; draft: string }
  | { kind: 'clearImages'; draft: string }
  | { kind: 'forget'; entry: string; draft: string };

export interface ReviewRequest {
  /** The full prompt about to be sent. */
  text: string;
  /** Language of the review editor (the prompt is Markdown). */
  language?: string;
}

export interface FilePickRequest {
  title: string;
  openLabel?: string;
  /** e.g. { Images: ['png', 'jpg'] } */
  filters?: Record<string, string[]>;
  canSelectMany?: boolean;
}

export interface Interaction {
  showMessage(request: MessageRequest): Promise<string | undefined>;
  showInput(request: InputRequest): Promise<string | undefined>;
  showPick<T>(items: readonly PickItem<T>[], request: PickRequest): Promise<T | undefined>;
  openExternal(url: string): Promise<boolean>;
  /** A request box with recent requests, templates and an attach-images button. */
  pickPrompt(request: PromptPickRequest): Promise<PromptPickResult | undefined>;
  /** Shows the full prompt in an editor for review and editing; the (edited) text to send, or undefined to cancel. */
  reviewPrompt(request: ReviewRequest): Promise<string | undefined>;
  /** An open-file dialog; undefined when cancelled. */
  pickFiles(request: FilePickRequest): Promise<vscode.Uri[] | undefined>;
}

export class VsCodeInteraction implements Interaction {
  async showMessage(request: MessageRequest): Promise<string | undefined> {
    const options: vscode.MessageOptions = { modal: request.modal ?? false, detail: request.detail };
    const actions = request.actions ?? [];
    switch (request.severity) {
      case 'info':
        return vscode.window.showInformationMessage(request.message, options, ...actions);
      case 'warning':
        return vscode.window.showWarningMessage(request.message, options, ...actions);
      case 'error':
        return vscode.window.showErrorMessage(request.message, options, ...actions);
    }
  }

  async showInput(request: InputRequest): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: request.title,
      prompt: request.prompt,
      placeHolder: request.placeHolder,
      value: request.value,
      password: request.password,
      ignoreFocusOut: request.ignoreFocusOut ?? true,
      validateInput: request.validate,
    });
  }

  async showPick<T>(items: readonly PickItem<T>[], request: PickRequest): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(
      items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, value: item.value })),
      { title: request.title, placeHolder: request.placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.value;
  }

  /** Opens https links only (the URL policy), whoever asks: the last check before the browser. */
  async openExternal(url: string): Promise<boolean> {
    const safe = safeExternalUrl(url);
    if (safe === undefined) return false;
    return vscode.env.openExternal(vscode.Uri.parse(safe, true));
  }

  pickPrompt(request: PromptPickRequest): Promise<PromptPickResult | undefined> {
    return showPromptPicker(request);
  }

  async reviewPrompt(request: ReviewRequest): Promise<string | undefined> {
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

  async pickFiles(request: FilePickRequest): Promise<vscode.Uri[] | undefined> {
    return vscode.window.showOpenDialog({
      title: request.title,
      openLabel: request.openLabel,
      filters: request.filters,
      canSelectMany: request.canSelectMany ?? false,
      canSelectFiles: true,
      canSelectFolders: false,
    });
  }
}

type PromptItem = vscode.QuickPickItem & { action?: 'send' | 'history' | 'template'; text?: string; templateId?: string };

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
      if (historyItems.length > 0) items.push({ label: vscode.l10n.t('Recent'), kind: vscode.QuickPickItemKind.Separator }, ...historyItems);
      if (request.templates.length > 0) items.push({ label: vscode.l10n.t('Templates'), kind: vscode.QuickPickItemKind.Separator }, ...templateItems(typed));
      picker.items = items;
    };

    subscriptions.push(
      picker.onDidChangeValue(() => render()),
      picker.onDidAccept(() => {
        const item = picker.activeItems[0] ?? picker.selectedItems[0];
        if (item?.action === 'send') finish({ kind: 'send', text: picker.value });
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

/** Lets tests replace the interaction at run time while services hold a stable reference. */
export class SwappableInteraction implements Interaction {
  constructor(private current: Interaction) {}

  swap(next: Interaction): Interaction {
    const previous = this.current;
    this.current = next;
    return previous;
  }

  showMessage(request: MessageRequest): Promise<string | undefined> {
    return this.current.showMessage(request);
  }
  showInput(request: InputRequest): Promise<string | undefined> {
    return this.current.showInput(request);
  }
  showPick<T>(items: readonly PickItem<T>[], request: PickRequest): Promise<T | undefined> {
    return this.current.showPick(items, request);
  }
  openExternal(url: string): Promise<boolean> {
    return this.current.openExternal(url);
  }
  pickPrompt(request: PromptPickRequest): Promise<PromptPickResult | undefined> {
    return this.current.pickPrompt(request);
  }
  reviewPrompt(request: ReviewRequest): Promise<string | undefined> {
    return this.current.reviewPrompt(request);
  }
  pickFiles(request: FilePickRequest): Promise<vscode.Uri[] | undefined> {
    return this.current.pickFiles(request);
  }
}
