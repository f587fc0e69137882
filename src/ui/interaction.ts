// The user-facing dialogs the extension uses, behind one interface. Production uses the VS Code window;
// in-host tests swap in a scripted implementation (through the test hooks of the exported API) because
// a test cannot type into an input box. Everything else in those tests is the real VS Code API.
import * as vscode from 'vscode';

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

export interface Interaction {
  showMessage(request: MessageRequest): Promise<string | undefined>;
  showInput(request: InputRequest): Promise<string | undefined>;
  showPick<T>(items: readonly PickItem<T>[], request: PickRequest): Promise<T | undefined>;
  openExternal(url: string): Promise<boolean>;
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

  async openExternal(url: string): Promise<boolean> {
    return vscode.env.openExternal(vscode.Uri.parse(url, true));
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
}
