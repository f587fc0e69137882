// The request step of the send pipeline for the commands: the prompt picker (type a request, pick a
// recent one or a template, attach images). A request that does not go through is kept: the next picker
// starts with it.
import * as path from 'path';
import * as vscode from 'vscode';
import {
  BUILT_IN_TEMPLATES,
  ImageAttachmentError,
  applyTemplate,
  formatBytes,
  imageToDataUri,
  mergeTemplates,
  type PromptHistory,
  type PromptTemplate,
} from '../context';
import type { AttachedImage, PickedRequest } from '../send/sendTypes';
import { acceptedRequest, suggestRequest } from '../send/suggestedRequest';
import type { Interaction, PromptTemplateChoice } from '../ui/interaction';
import type { Log } from '../util/log';

export const MAX_IMAGES = 10;
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp'];

/** What was asked but not sent yet. */
export interface Draft {
  text: string;
  images: AttachedImage[];
}

/** Drafts kept at most (one per suggestion it started from, and one typed from scratch). */
const MAX_DRAFTS = 20;

export interface PickerOptions {
  title: string;
  placeHolder: string;
  /**
   * A suggested request to start with (a quick fix's problems, a TODO's ask). Drafts are kept per
   * suggestion: a picker opens on the draft of the same suggestion (or, without one, of a request typed
   * from scratch), never on another request's text.
   */
  initialText?: string;
}

export class RequestPicker {
  /** Keyed by the suggestion the picker started from ('' for none), oldest first. */
  private readonly drafts = new Map<string, Draft>();
  /** The suggestion of the picker shown last, which a kept request belongs to. */
  private startedFrom = '';
  private reportedTemplateProblems = '';

  constructor(
    private readonly ui: Interaction,
    private readonly history: PromptHistory,
    private readonly log: Log,
    private readonly templatesSetting: () => unknown,
    private readonly maxImageBytes: () => number,
    private readonly attemptsDefault: () => number = () => 2,
  ) {}

  /** Keeps the request for the next picker (a guard stopped the send, or the create failed). */
  keep(picked: PickedRequest): void {
    this.setDraft(this.startedFrom, { text: picked.typed, images: picked.images });
  }

  /** The run exists: its draft is done with. */
  clear(): void {
    this.drafts.delete(this.startedFrom);
  }

  private setDraft(key: string, draft: Draft | undefined): void {
    this.drafts.delete(key);
    if (draft) this.drafts.set(key, draft);
    while (this.drafts.size > MAX_DRAFTS) this.drafts.delete(this.drafts.keys().next().value as string);
  }

  async pick(options: PickerOptions): Promise<PickedRequest | undefined> {
    const templates = this.templates();
    const choices: PromptTemplateChoice[] = templates.map((t) => ({ id: t.id, label: t.label, detail: templateSummary(t) }));
    // The input is one line: a request over several lines is shown joined, and sent whole if unchanged.
    const key = options.initialText ?? '';
    this.startedFrom = key;
    const draft = this.drafts.get(key);
    const suggestion = suggestRequest(draft?.text ?? options.initialText ?? '');
    let value = suggestion.shown;
    let images = [...(draft?.images ?? [])];
    for (;;) {
      const result = await this.ui.pickPrompt({
        title: options.title,
        placeHolder: options.placeHolder,
        value,
        history: this.history.entries(),
        templates: choices,
        images: images.map((image) => image.name),
        allowImages: true,
      });
      if (!result) {
        // Dismissing the picker keeps what it started with and any images attached meanwhile.
        const kept = acceptedRequest(value, suggestion);
        this.setDraft(key, kept !== '' || images.length > 0 ? { text: kept, images } : undefined);
        return undefined;
      }
      switch (result.kind) {
        case 'attachImages':
          value = result.draft;
          images = [...images, ...(await this.attachImages(images))];
          break;
        case 'clearImages':
          value = result.draft;
          images = [];
          break;
        case 'forget':
          value = result.draft;
          await this.history.remove(result.entry);
          break;
        case 'send': {
          const template = result.templateId === undefined ? undefined : templates.find((t) => t.id === result.templateId);
          const typed = acceptedRequest(result.text, suggestion);
          const request = template ? applyTemplate(template, typed) : typed;
          if (request !== '') {
            const picked: PickedRequest = { request, typed, images };
            if (result.several === true) {
              // "Send to several agents…": how many; dismissing returns to the picker.
              const attempts = await askAttemptCount(this.ui, this.attemptsDefault());
              if (attempts === undefined) {
                value = result.text;
                break;
              }
              picked.attempts = attempts;
            }
            if (result.fromChanges === true) picked.fromUncommitted = true;
            this.keep(picked);
            return picked;
          }
          value = result.text;
          break;
        }
      }
    }
  }

  private templates(): PromptTemplate[] {
    const { templates, problems } = mergeTemplates(BUILT_IN_TEMPLATES, this.templatesSetting());
    const key = problems.join('\n');
    // Once per distinct set of problems, not on every send.
    if (key !== '' && key !== this.reportedTemplateProblems) for (const problem of problems) this.log.warn(`codegen.prompt.templates: ${problem}`);
    this.reportedTemplateProblems = key;
    return templates;
  }

  private async attachImages(already: readonly AttachedImage[]): Promise<AttachedImage[]> {
    const uris = await this.ui.pickFiles({
      title: vscode.l10n.t('Codegen: attach images to the run'),
      openLabel: vscode.l10n.t('Attach'),
      filters: { [vscode.l10n.t('Images')]: IMAGE_EXTENSIONS },
      canSelectMany: true,
    });
    if (!uris || uris.length === 0) return [];
    const maxBytes = this.maxImageBytes();
    const attached: AttachedImage[] = [];
    const problems: string[] = [];
    for (const uri of uris) {
      const key = uri.toString();
      const name = path.posix.basename(uri.path);
      if (already.some((image) => image.key === key) || attached.some((image) => image.key === key)) continue;
      if (already.length + attached.length >= MAX_IMAGES) {
        problems.push(vscode.l10n.t('{0}: a run can have at most {1} images.', name, MAX_IMAGES));
        continue;
      }
      try {
        // The size is checked before reading, so a huge file is never loaded.
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > maxBytes) throw new ImageAttachmentError('too-large', vscode.l10n.t('{0} is {1}; images can be at most {2}.', name, formatBytes(stat.size), formatBytes(maxBytes)));
        const bytes = await vscode.workspace.fs.readFile(uri);
        attached.push({ key, name, dataUri: imageToDataUri(name, bytes, maxBytes) });
      } catch (error) {
        problems.push(error instanceof ImageAttachmentError ? error.message : vscode.l10n.t('{0} could not be read: {1}', name, error instanceof Error ? error.message : String(error)));
      }
    }
    if (attached.length > 0) this.log.info(`Attached ${attached.length} image(s) to the next run.`);
    if (problems.length > 0) {
      this.log.warn(`Images not attached: ${problems.join(' ')}`);
      const message = problems.length === 1 ? vscode.l10n.t('Image not attached: {0}', problems[0] ?? '') : vscode.l10n.t('{0} images were not attached: {1}', problems.length, problems.join(' '));
      void this.ui.showMessage({ severity: 'error', message });
    }
    return attached;
  }
}

/** How many agents (2, 3 or 4), the default first; undefined when dismissed. */
export async function askAttemptCount(ui: Interaction, defaultCount: number): Promise<number | undefined> {
  const counts = [defaultCount, ...[2, 3, 4].filter((count) => count !== defaultCount)];
  return ui.showPick(
    counts.map((count) => ({
      label: vscode.l10n.t('{0} agents', count),
      description: count === defaultCount ? vscode.l10n.t('default (codegen.attempts.default)') : undefined,
      detail: vscode.l10n.t('{0} runs of the same request; creating runs is limited to 10 per minute.', count),
      value: count,
    })),
    { title: vscode.l10n.t('Codegen: how many agents?') },
  );
}

function templateSummary(template: PromptTemplate): string {
  const text = template.text.split('{request}').join('…').replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
