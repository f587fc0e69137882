// Typed, validated access to the extension's settings. The API base URL is read from user (global)
// settings only: a workspace must not be able to send the user's token to another server.
import * as vscode from 'vscode';
import { checkApiBaseUrl, type BaseUrlCheck } from '../util/urlPolicy';
import type { AgentType } from '../api/types';
import { Settings as Keys } from '../ids';
import { attemptCount, DEFAULT_ATTEMPTS } from '../runs/attempts';

export const DEFAULT_API_BASE_URL = 'https://api.codegen.com';
export type NotificationMode = 'mine' | 'all' | 'off';
export const DEFAULT_MAX_CHARS = 100_000;
export const DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export class Settings implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.ConfigurationChangeEvent>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('codegen')) this.changeEmitter.fire(event);
    });
  }

  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('codegen');
  }

  /** The API base URL from user settings (never the workspace), validated. */
  get apiBaseUrl(): BaseUrlCheck {
    const inspected = this.config.inspect<string>('apiBaseUrl');
    return checkApiBaseUrl(inspected?.globalValue ?? inspected?.defaultValue ?? DEFAULT_API_BASE_URL);
  }

  get organizationId(): number | undefined {
    return positiveInt(this.config.get<unknown>('organizationId'));
  }

  async setOrganizationId(id: number | undefined): Promise<void> {
    await this.config.update('organizationId', id, vscode.ConfigurationTarget.Global);
  }

  get repositoryId(): number | undefined {
    return positiveInt(this.config.get<unknown>('repositoryId'));
  }

  get model(): string | undefined {
    const model = this.config.get<unknown>('model');
    return typeof model === 'string' && model.trim() ? model.trim() : undefined;
  }

  get agentType(): AgentType | undefined {
    const agentType = this.config.get<unknown>('agentType');
    return agentType === 'codegen' || agentType === 'claude_code' ? agentType : undefined;
  }

  get pollingIntervalSeconds(): number {
    const seconds = Number(this.config.get<unknown>('polling.intervalSeconds'));
    return Number.isFinite(seconds) ? Math.max(5, seconds) : 10;
  }

  get notifications(): NotificationMode {
    const mode = this.config.get<unknown>('notifications');
    return mode === 'all' || mode === 'off' ? mode : 'mine';
  }

  /** The prompt size limit (codegen.context.maxChars). */
  get maxChars(): number {
    return positiveInt(Math.floor(Number(this.config.get<unknown>(Keys.contextMaxChars)))) ?? DEFAULT_MAX_CHARS;
  }

  /** The largest image attached to a request (codegen.images.maxBytes). */
  get maxImageBytes(): number {
    return positiveInt(Math.floor(Number(this.config.get<unknown>(Keys.imagesMaxBytes)))) ?? DEFAULT_MAX_IMAGE_BYTES;
  }

  /** How many agents "several agents" starts by default (codegen.attempts.default, 2 to 4). */
  get attemptsDefault(): number {
    return attemptCount(this.config.get<unknown>(Keys.attemptsDefault)) ?? DEFAULT_ATTEMPTS;
  }

  get reviewBeforeSend(): boolean {
    return this.config.get<unknown>(Keys.promptReviewBeforeSend) === true;
  }

  /** codegen.prompt.templates as set (validated where the templates are read). */
  get promptTemplates(): unknown {
    return this.config.get<unknown>(Keys.promptTemplates);
  }

  get(key: string): unknown {
    return this.config.get<unknown>(key);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function positiveInt(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}
