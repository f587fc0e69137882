// The @codegen chat participant and the agent-mode tools, as VS Code sees them. Each can be turned off in
// the settings; an editor without chat or tools (or whose registration throws) simply has neither.
import * as path from 'path';
import * as vscode from 'vscode';
import { Chat, SETTINGS_SECTION, Settings as SettingKeys } from '../../ids';
import type { EditorSurfaces } from '../../ui/editorSurfaces';
import { toggled } from '../../ui/toggled';

export interface ChatHandler {
  handle(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult>;
}

export interface ToolHandlers {
  prepare(name: string, input: unknown): Promise<vscode.PreparedToolInvocation>;
  invoke(name: string, input: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult>;
}

export function registerChatAndTools(surfaces: EditorSurfaces, extensionPath: string, chat: ChatHandler, tools: ToolHandlers): vscode.Disposable[] {
  const participant = surfaces.register('chat', 'chat', (chatApi) => {
    const created = chatApi.createChatParticipant(Chat.participant, async (request, context, stream, token) => {
      if (vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>(SettingKeys.chatEnabled, true) === false) {
        stream.markdown(vscode.l10n.t('The @codegen chat participant is turned off (setting codegen.chat.enabled).'));
        return {};
      }
      return chat.handle(request, context, stream, token);
    });
    created.iconPath = vscode.Uri.file(path.join(extensionPath, 'media', 'icon.png'));
    return created;
  });
  const toolRegistrations = toggled(SettingKeys.toolsEnabled, () =>
    surfaces.register('lm', 'lm', (lm) => {
      const registered: vscode.Disposable[] = [];
      try {
        for (const name of [Chat.createRunTool, Chat.getRunTool, Chat.listRunsTool]) {
          registered.push(
            lm.registerTool<unknown>(name, {
              prepareInvocation: (options) => tools.prepare(name, options.input),
              invoke: (options, token) => tools.invoke(name, options.input, token),
            }),
          );
        }
      } catch (error) {
        // One tool registered and the next refused: none stays half there.
        for (const registration of registered) registration.dispose();
        throw error;
      }
      return vscode.Disposable.from(...registered);
    }),
  );
  return [participant, toolRegistrations];
}
