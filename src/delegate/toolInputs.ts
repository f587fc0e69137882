// The inputs of the agent-mode tools, as a language model sends them (untrusted: wrong types, extra
// fields, numbers as strings). Each parser returns the input or a message the tool answers the model
// with, never throws. The JSON Schemas are what package.json declares as each tool's inputSchema; a unit
// test keeps them and the parsers saying the same. Lines in tool inputs are 1-based, as a model reads code.

import * as v from 'valibot';
import { floorToCodePoint, normalizeEol } from '../context/text';
import { hasHiddenCharacters } from '../util/serviceText';

export const CREATE_RUN_TOOL = 'codegen_create_run';
export const GET_RUN_TOOL = 'codegen_get_run';
export const LIST_RUNS_TOOL = 'codegen_list_runs';

export const MAX_TOOL_PROMPT = 20_000;
export const MAX_TOOL_FILES = 20;
export const MAX_TOOL_PATH = 1_000;
export const MAX_LIST_LIMIT = 50;
export const DEFAULT_LIST_LIMIT = 10;
export const LIST_STATUSES = ['running', 'needsYou', 'finished', 'all'] as const;

export type ListStatus = (typeof LIST_STATUSES)[number];

/** A file the run is about: the whole file, or lines startLine..endLine (1-based, inclusive). */
export interface FileReference {
  path: string;
  startLine?: number;
  endLine?: number;
}

export interface CreateRunToolInput {
  /** Trimmed at both ends; what is sent. */
  prompt: string;
  files: FileReference[];
}

export interface GetRunToolInput {
  runId: number;
}

export interface ListRunsToolInput {
  limit: number;
  status: ListStatus;
}

export type ToolInputResult<T> = { ok: true; value: T } | { ok: false; message: string };

const lineNumber = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be 1 or more (lines count from 1)'), v.maxValue(10_000_000, 'is too large'));

const fileReferenceSchema = v.pipe(
  v.strictObject(
    {
      path: v.pipe(
        v.string('must be a string'),
        v.trim(),
        v.minLength(1, 'must not be empty'),
        v.maxLength(MAX_TOOL_PATH, `must be at most ${MAX_TOOL_PATH} characters`),
        v.check((path) => !/[\t\n]/.test(path) && !hasHiddenCharacters(path), 'must not contain control or invisible characters'),
      ),
      startLine: v.nullish(lineNumber),
      endLine: v.nullish(lineNumber),
    },
    'must be an object like {"path": "src/a.ts", "startLine": 1, "endLine": 20}',
  ),
  v.check((ref) => ref.startLine == null || ref.endLine == null || ref.endLine >= ref.startLine, 'endLine must not be before startLine'),
);

const createRunSchema = v.strictObject(
  {
    prompt: v.pipe(
      v.string('must be a string'),
      v.trim(),
      v.minLength(1, 'must not be empty: say what the agent should do'),
      v.maxLength(MAX_TOOL_PROMPT, `must be at most ${MAX_TOOL_PROMPT} characters`),
    ),
    files: v.nullish(v.pipe(v.array(fileReferenceSchema, 'must be a list of file references'), v.maxLength(MAX_TOOL_FILES, `must list at most ${MAX_TOOL_FILES} files`))),
  },
  'must be an object like {"prompt": "…", "files": [{"path": "src/a.ts"}]}',
);

const runIdSchema = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^#?\d{1,15}$/), v.transform((text) => Number(text.replace('#', ''))))], 'must be a run id (a whole number, e.g. 12345)'),
  v.integer('must be a whole number'),
  v.minValue(1, 'must be 1 or more'),
  v.maxValue(Number.MAX_SAFE_INTEGER, 'is too large'),
);

const getRunSchema = v.strictObject({ runId: runIdSchema }, 'must be an object like {"runId": 12345}');

const listRunsSchema = v.strictObject(
  {
    limit: v.nullish(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be 1 or more'), v.maxValue(MAX_LIST_LIMIT, `must be at most ${MAX_LIST_LIMIT}`))),
    status: v.nullish(v.picklist(LIST_STATUSES, `must be one of ${LIST_STATUSES.join(', ')}`)),
  },
  'must be an object like {"limit": 10, "status": "running"}',
);

export function parseCreateRunInput(input: unknown): ToolInputResult<CreateRunToolInput> {
  const parsed = v.safeParse(createRunSchema, input);
  if (!parsed.success) return invalid(CREATE_RUN_TOOL, parsed.issues);
  const files = (parsed.output.files ?? []).map((ref): FileReference => {
    const file: FileReference = { path: ref.path };
    if (ref.startLine != null) file.startLine = ref.startLine;
    if (ref.endLine != null) file.endLine = ref.endLine;
    return file;
  });
  return { ok: true, value: { prompt: parsed.output.prompt, files } };
}

export function parseGetRunInput(input: unknown): ToolInputResult<GetRunToolInput> {
  const parsed = v.safeParse(getRunSchema, input);
  return parsed.success ? { ok: true, value: { runId: parsed.output.runId } } : invalid(GET_RUN_TOOL, parsed.issues);
}

/** No input at all is the defaults (the 10 most recent runs of any status). */
export function parseListRunsInput(input: unknown): ToolInputResult<ListRunsToolInput> {
  const parsed = v.safeParse(listRunsSchema, input ?? {});
  if (!parsed.success) return invalid(LIST_RUNS_TOOL, parsed.issues);
  return { ok: true, value: { limit: parsed.output.limit ?? DEFAULT_LIST_LIMIT, status: parsed.output.status ?? 'all' } };
}

/** One message for all the issues: "codegen_get_run: the input is not valid: runId must be …". No input values are echoed. */
function invalid(tool: string, issues: readonly v.BaseIssue<unknown>[]): { ok: false; message: string } {
  const problems = [...new Set(issues.slice(0, 10).map(describeIssue))];
  return { ok: false, message: `${tool}: the input is not valid: ${problems.join('; ')}.` };
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = (issue.path ?? []).map((item) => (typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key)}`)).join('').replace(/^\./, '');
  if (issue.type === 'strict_object' && issue.expected === 'never') return `${path} is not a known property`;
  if (issue.received === 'undefined' && path !== '') return `${path} is required`;
  return path === '' ? `the input ${issue.message}` : `${path} ${issue.message}`;
}

const FILES_DESCRIPTION = 'Files the run is about. Their text (the whole file, or the given lines) is sent with the prompt.';

/** package.json contributes.languageModelTools[name=codegen_create_run].inputSchema */
export const CREATE_RUN_INPUT_SCHEMA = {
  type: 'object',
  properties: {
    prompt: { type: 'string', minLength: 1, maxLength: MAX_TOOL_PROMPT, description: 'What the Codegen cloud agent should do, in full: the agent only sees this prompt and the files given.' },
    files: {
      type: 'array',
      maxItems: MAX_TOOL_FILES,
      description: FILES_DESCRIPTION,
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', minLength: 1, maxLength: MAX_TOOL_PATH, description: 'Workspace-relative path of the file.' },
          startLine: { type: 'integer', minimum: 1, description: 'First line to send (1-based). Absent: the whole file.' },
          endLine: { type: 'integer', minimum: 1, description: 'Last line to send (1-based, inclusive). Absent: only startLine.' },
        },
        required: ['path'],
        additionalProperties: false,
      },
    },
  },
  required: ['prompt'],
  additionalProperties: false,
} as const;

/** package.json contributes.languageModelTools[name=codegen_get_run].inputSchema */
export const GET_RUN_INPUT_SCHEMA = {
  type: 'object',
  properties: { runId: { type: 'integer', minimum: 1, description: 'The id of the Codegen run (as codegen_create_run or codegen_list_runs gave it).' } },
  required: ['runId'],
  additionalProperties: false,
} as const;

/** package.json contributes.languageModelTools[name=codegen_list_runs].inputSchema */
export const LIST_RUNS_INPUT_SCHEMA = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT, description: 'How many runs to list, most recent first.' },
    status: { type: 'string', enum: [...LIST_STATUSES], default: 'all', description: 'Only runs still running, waiting for the user (needsYou), finished, or all.' },
  },
  additionalProperties: false,
} as const;

export const TOOL_INPUT_SCHEMAS = {
  [CREATE_RUN_TOOL]: CREATE_RUN_INPUT_SCHEMA,
  [GET_RUN_TOOL]: GET_RUN_INPUT_SCHEMA,
  [LIST_RUNS_TOOL]: LIST_RUNS_INPUT_SCHEMA,
} as const;

/** What a file reference sends: its lines (1-based, inclusive, within the file) and their text. */
export interface FileAttachment {
  /** "src/a.ts (lines 3-10)": the label the confirmation shows and the prompt's context section names. */
  label: string;
  text: string;
  startLine: number;
  endLine: number;
  /** Cut to maxChars (endLine is then the last line sent whole, or startLine when even it was cut). */
  truncated: boolean;
}

/**
 * The lines of a file a reference names: startLine..endLine clamped to the file; startLine alone is that
 * line, endLine alone is lines 1..endLine, neither is the whole file. Cut at whole lines to maxChars.
 */
export function fileAttachment(ref: FileReference, fileText: string, maxChars = 50_000): FileAttachment {
  const lines = normalizeEol(fileText).split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const clamp = (line: number): number => Math.min(lines.length, Math.max(1, Math.floor(line)));
  const startLine = clamp(ref.startLine ?? 1);
  let endLine = Math.max(startLine, clamp(ref.endLine ?? (ref.startLine !== undefined ? ref.startLine : lines.length)));
  const whole = ref.startLine === undefined && ref.endLine === undefined;
  let text = lines.slice(startLine - 1, endLine).join('\n');
  let truncated = false;
  if (text.length > maxChars) {
    truncated = true;
    let length = 0;
    let lastWhole = startLine - 1;
    for (let line = startLine; line <= endLine; line++) {
      const added = (lines[line - 1]?.length ?? 0) + (line > startLine ? 1 : 0);
      if (length + added > maxChars) break;
      length += added;
      lastWhole = line;
    }
    if (lastWhole >= startLine) {
      endLine = lastWhole;
      text = lines.slice(startLine - 1, lastWhole).join('\n');
    } else {
      endLine = startLine;
      const first = lines[startLine - 1] ?? '';
      text = first.slice(0, floorToCodePoint(first, maxChars));
    }
  }
  const span = startLine === endLine ? `line ${startLine}` : `lines ${startLine}-${endLine}`;
  const label = whole && !truncated ? `${ref.path} (whole file, ${span})` : `${ref.path} (${span}${truncated ? ', cut to fit' : ''})`;
  return { label, text, startLine, endLine, truncated };
}
