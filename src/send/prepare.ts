// Step 3 of the send pipeline: the prompt, its metadata and its title, from the target, the request and
// git. Pure: the size guard's questions go through the caller.

import { buildContext, makeTitle, parseGitRemote, trimContext, type BuildContextInput, type BuiltContext, type GitInfo } from '../context';
import { fenceFor } from '../context/text';
import type { SourceText } from './secretFindings';
import type { BareTarget, DocumentTarget, GitContext, SendTarget } from './sendTypes';

/** What to build: the input of buildContext for a document, or a bare request. */
export type PromptPlan = { kind: 'document'; input: BuildContextInput } | { kind: 'bare'; request: string; target: BareTarget; git?: GitContext; maxChars: number; extensionVersion: string };

export function planPrompt(target: SendTarget, request: string, git: GitContext | undefined, maxChars: number, extensionVersion: string): PromptPlan {
  if (target.kind === 'bare') return { kind: 'bare', request, target, git, maxChars, extensionVersion };
  return {
    kind: 'document',
    input: {
      request,
      document: { ...target.source, relativePath: target.relativePath(git) },
      selections: target.selections,
      mode: target.mode,
      git: gitInfoOf(git),
      diagnostics: target.diagnostics,
      maxChars,
      extensionVersion,
    },
  };
}

/** The prompt as planned, whole (it may be over the limit: see `overLimit`). */
export function buildPrompt(plan: PromptPlan): BuiltContext {
  return plan.kind === 'document' ? withRange(buildContext(plan.input)) : buildBare(plan);
}

/** The prompt with its code cut to fit the limit (documents only; a bare request is never cut). */
export function buildTrimmed(plan: PromptPlan): BuiltContext {
  return plan.kind === 'document' ? withRange(trimContext(plan.input)) : buildBare(plan);
}

function buildBare(plan: Extract<PromptPlan, { kind: 'bare' }>): BuiltContext {
  const title = makeTitle(plan.request);
  const metadata: Record<string, unknown> = { source: 'vscode' };
  if (plan.extensionVersion !== '') metadata['extension_version'] = plan.extensionVersion;
  const info = gitInfoOf(plan.git);
  if (info?.branch !== undefined) metadata['branch'] = info.branch;
  if (info?.commit !== undefined) metadata['commit'] = info.commit;
  const repoFullName = info?.remoteUrl !== undefined ? parseGitRemote(info.remoteUrl) : undefined;
  if (repoFullName !== undefined) metadata['repo_full_name'] = repoFullName;
  metadata['title'] = title;
  metadata['mode'] = 'prompt';
  const sections = (plan.target.attachments ?? []).map((attachment) => {
    const fence = fenceFor(attachment.text);
    return `${attachment.label}:\n${fence}\n${attachment.text}\n${fence}`;
  });
  if (sections.length > 0) metadata['attachments'] = (plan.target.attachments ?? []).map((attachment) => attachment.label);
  const prompt = sections.length > 0 ? `${plan.request}\n\n---\nContext:\n\n${sections.join('\n\n')}\n` : plan.request;
  const limit = Number.isFinite(plan.maxChars) && plan.maxChars > 0 ? plan.maxChars : Number.POSITIVE_INFINITY;
  return { prompt, metadata, title, charCount: prompt.length, truncated: false, overLimit: prompt.length > limit };
}

/** Adds `range`, the span of the sent lines, next to the context builder's `ranges`. */
function withRange(built: BuiltContext): BuiltContext {
  const ranges = built.metadata['ranges'];
  if (!Array.isArray(ranges) || ranges.length === 0) return built;
  const spans = ranges as Array<{ start_line: number; end_line: number }>;
  const range = { start_line: Math.min(...spans.map((r) => r.start_line)), end_line: Math.max(...spans.map((r) => r.end_line)) };
  return { ...built, metadata: { ...built.metadata, range } };
}

export function gitInfoOf(git: GitContext | undefined): GitInfo | undefined {
  if (!git) return undefined;
  const info: GitInfo = {};
  if (git.remoteUrl !== undefined) info.remoteUrl = git.remoteUrl;
  if (git.branch !== undefined) info.branch = git.branch;
  if (git.commit !== undefined) info.commit = git.commit;
  return info;
}

/** Where the secret scan's findings can be traced back to: the sent file and its ranges. */
export function sourceTextOf(target: DocumentTarget, metadata: Record<string, unknown>): SourceText {
  const ranges = Array.isArray(metadata['ranges'])
    ? (metadata['ranges'] as Array<{ start_line: number; end_line: number }>).map((r) => ({ startLine: r.start_line, endLine: r.end_line }))
    : [];
  const file = typeof metadata['file'] === 'string' ? metadata['file'] : target.label;
  return { label: file, text: target.source.text, ranges };
}
