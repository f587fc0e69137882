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
  | { kind: 'send'; text: string; templateId?: string; several?: boolean; fromChanges?: boolean }
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

/** The prompt picker and the prompt review editor (commands/promptUi). */
export interface PromptUi {
  pickPrompt(request: PromptPickRequest): Promise<PromptPickResult | undefined>;
  reviewPrompt(request: ReviewRequest): Promise<string | undefined>;
}

export class VsCodeInteraction implements Interaction {
  constructor(private readonly promptUi: PromptUi) {}

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
    return this.promptUi.pickPrompt(request);
  }

  reviewPrompt(request: ReviewRequest): Promise<string | undefined> {
    return this.promptUi.reviewPrompt(request);
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
