// The @codegen chat participant and the agent-mode tools, as VS Code sees them. Each can be turned off in
// the settings.
import * as path from 'path';
import * as vscode from 'vscode';
import { Chat, SETTINGS_SECTION, Settings as SettingKeys } from '../../ids';
import { toggled } from '../../ui/toggled';

export interface ChatHandler {
  handle(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult>;
}

export interface ToolHandlers {
  prepare(name: string, input: unknown): Promise<vscode.PreparedToolInvocation>;
  invoke(name: string, input: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult>;
}

export function registerChatAndTools(extensionPath: string, chat: ChatHandler, tools: ToolHandlers): vscode.Disposable[] {
  const disposables: vscode.Disposable[] = [];
  // Chat participants and tools need VS Code's chat; an editor without it simply has neither.
  if (typeof vscode.chat?.createChatParticipant === 'function') {
    const participant = vscode.chat.createChatParticipant(Chat.participant, async (request, context, stream, token) => {
      if (vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>(SettingKeys.chatEnabled, true) === false) {
        stream.markdown(vscode.l10n.t('The @codegen chat participant is turned off (setting codegen.chat.enabled).'));
        return {};
      }
      return chat.handle(request, context, stream, token);
    });
    participant.iconPath = vscode.Uri.file(path.join(extensionPath, 'media', 'icon.png'));
    disposables.push(participant);
  }
  if (typeof vscode.lm?.registerTool === 'function') {
    disposables.push(
      toggled(SettingKeys.toolsEnabled, () =>
        vscode.Disposable.from(
          ...[Chat.createRunTool, Chat.getRunTool, Chat.listRunsTool].map((name) =>
            vscode.lm.registerTool<unknown>(name, {
              prepareInvocation: (options) => tools.prepare(name, options.input),
              invoke: (options, token) => tools.invoke(name, options.input, token),
            }),
          ),
        ),
      ),
    );
  }
  return disposables;
}
