// A run's logs: every entry is a pure function of (seed, run id, phase, index), so a page of a 10 000-entry
// run is generated on demand without storing anything. Entries appear as the clock passes their time.

import { UNKNOWN_LOG_TYPE, pick, randomFrom } from './fixtures';
import { ACTIVE_FROM, logHorizon, phaseTime, titleFromPrompt, webUrl, type RunPhase, type RunRecord } from './runs';
import type { ApiLogEntry } from './types';

/** Opening entries of an initial phase: between them and the tail they cover every documented type. */
const HEAD_TYPES = [
  'USER_MESSAGE', 'PLAN_EVALUATION', 'ACTION', 'ACTION', 'USER_GITHUB_ISSUE_COMMENT', 'ACTION', 'ACTION', 'ERROR', UNKNOWN_LOG_TYPE, 'ACTION',
];
/** Closing entries before the final one: a first PR attempt fails, the retry works, CI is checked. */
const TAIL_TYPES = ['PR_CREATION_FAILED', 'INITIAL_PR_GENERATION', 'DETECT_PR_ERRORS', 'FIX_PR_ERRORS', 'COMMIT_EVALUATION', 'PR_EVALUATION', 'AGENT_RUN_LINK'];
const FAILING_TAIL_TYPES = ['PR_CREATION_FAILED', 'ERROR'];
const FOLLOW_UP_TAIL_TYPES = ['COMMIT_EVALUATION'];

/** Default number of entries of a phase, from the seed. */
export function defaultLogCount(seed: number, runId: number, kind: RunPhase['kind'], phaseIndex: number): number {
  const random = randomFrom(seed, runId, phaseIndex, 0x1065);
  return kind === 'initial' ? 24 + Math.floor(random() * 17) : 6 + Math.floor(random() * 7);
}

/** Entry times: an initial phase logs from the moment it turns ACTIVE to its end; a follow-up from its start. */
function entryTime(phase: RunPhase, index: number): number {
  const first = phase.kind === 'initial' ? ACTIVE_FROM : 0;
  const fraction = phase.logCount <= 1 ? 1 : first + ((1 - first) * index) / (phase.logCount - 1);
  return phaseTime(phase, fraction);
}

/** How many entries of a phase have a time <= horizon (times never decrease, so binary search). */
function visibleInPhase(phase: RunPhase, horizon: number): number {
  let low = 0;
  let high = phase.logCount;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (entryTime(phase, middle) <= horizon) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Entries a phase has in total: all of them, or those before the cut of a phase a resume ended early. */
function phaseEntryCount(phase: RunPhase): number {
  return phase.cutAtMs === null ? phase.logCount : visibleInPhase(phase, phase.cutAtMs);
}

export function visibleLogCount(run: RunRecord, now: number): number {
  const horizon = logHorizon(run, now);
  return run.phases.reduce((total, phase) => total + visibleInPhase(phase, Math.min(horizon, phase.cutAtMs ?? Number.POSITIVE_INFINITY)), 0);
}

/** Entries [from, to) in chronological order (indices over all phases). */
export function logEntries(run: RunRecord, seed: number, from: number, to: number): ApiLogEntry[] {
  const entries: ApiLogEntry[] = [];
  let offset = 0;
  run.phases.forEach((phase, phaseIndex) => {
    const start = Math.max(from, offset);
    const count = phaseEntryCount(phase);
    const end = Math.min(to, offset + count);
    for (let index = start; index < end; index++) entries.push(makeEntry(run, seed, phase, phaseIndex, index - offset));
    offset += count;
  });
  return entries;
}

function entryType(phase: RunPhase, index: number): string {
  const last = phase.logCount - 1;
  if (index === last) {
    const final = phase.finalStatus.toUpperCase();
    if (final === 'FAILED') return 'ERROR';
    if (final === 'PAUSED') return 'PLAN_EVALUATION';
    return 'FINAL_ANSWER';
  }
  if (phase.kind === 'followUp') {
    if (index === 0) return 'USER_MESSAGE';
    const tailStart = last - FOLLOW_UP_TAIL_TYPES.length;
    return index >= tailStart ? (FOLLOW_UP_TAIL_TYPES[index - tailStart] ?? 'ACTION') : index % 4 === 1 ? 'PLAN_EVALUATION' : 'ACTION';
  }
  const tail = phase.finalStatus.toUpperCase() === 'FAILED' ? FAILING_TAIL_TYPES : TAIL_TYPES;
  const tailStart = last - tail.length;
  if (index >= tailStart) return tail[index - tailStart] ?? 'ACTION';
  if (index < HEAD_TYPES.length) return HEAD_TYPES[index] ?? 'ACTION';
  return index % 7 === 0 ? 'PLAN_EVALUATION' : 'ACTION';
}

const FILES = ['src/widget.ts', 'src/widget.test.ts', 'src/api/users.ts', 'README.md', 'package.json', 'src/util/date.ts'];
const HOSTILE_THOUGHT = 'The template renders <b>raw HTML</b> like <img src=x onerror="window.__codegenPwned=1"> and <script>window.__codegenPwned=1</script>';
const HOSTILE_LINKS = 'See [the docs](javascript:alert(1)) and [settings](command:workbench.action.quit) and <a href="javascript:alert(1)">this</a>.';

/** About 12 KB of test output, for renderers that must cope with long entries. */
function longText(random: () => number): string {
  const lines: string[] = [];
  for (let length = 0, index = 0; length < 12_000; index++) {
    const line = `  ✓ widget renders case ${index} with ${pick(random, ['props', 'state', 'context', 'children'])} (${1 + Math.floor(random() * 40)}ms)`;
    lines.push(line);
    length += line.length + 1;
  }
  return `> widgets@1.0.0 test\n> mocha\n\n${lines.join('\n')}\n\n  ${lines.length} passing`;
}

function makeEntry(run: RunRecord, seed: number, phase: RunPhase, phaseIndex: number, index: number): ApiLogEntry {
  const random = randomFrom(seed, run.id, phaseIndex, index);
  const type = entryType(phase, index);
  const base = { agent_run_id: run.id, created_at: new Date(entryTime(phase, index)).toISOString(), message_type: type };
  const file = pick(random, FILES);
  const none = { tool_name: null, thought: null, observation: null, tool_input: null, tool_output: null };
  switch (type) {
    case 'USER_MESSAGE':
      return { ...base, ...none, observation: phase.prompt };
    case 'PLAN_EVALUATION':
      if (index === phase.logCount - 1) return { ...base, ...none, thought: `I need your input before going on: should I also update ${file}?` };
      return { ...base, ...none, thought: `Plan: 1. read ${file} 2. change it 3. run the tests. ${index % 3 === 0 ? HOSTILE_THOUGHT : ''}`.trim() };
    case 'USER_GITHUB_ISSUE_COMMENT':
      return { ...base, ...none, tool_name: 'github_issue_comment', observation: { author: 'octodev', body: 'Please keep the public API unchanged.', url: 'https://github.com/acme/widgets/issues/12#issuecomment-1' } };
    case 'ERROR':
      return {
        ...base,
        ...none,
        tool_name: 'run_command',
        thought: index === phase.logCount - 1 ? 'The task cannot be completed: the build is broken upstream.' : 'The command failed; retrying with a clean install.',
        observation: `npm ERR! code ELIFECYCLE <img src=x onerror="window.__codegenPwned=1"> ${HOSTILE_LINKS}`,
        tool_input: { command: 'npm test' },
        tool_output: 'Error: Cannot find module \'left-pad\'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)',
      };
    case UNKNOWN_LOG_TYPE:
      return { ...base, ...none, tool_name: 'telemetry', thought: 'A message type this client has never seen.', observation: { novel: true, nested: { value: 42 } } };
    case 'PR_CREATION_FAILED':
      return { ...base, ...none, tool_name: 'create_pr', observation: 'GitHub answered 422: a pull request for this branch already exists.', tool_input: { head: `codegen/run-${run.id}`, base: 'main' } };
    case 'INITIAL_PR_GENERATION':
      return { ...base, ...none, tool_name: 'create_pr', thought: 'Opening the pull request.', tool_input: { title: titleFromPrompt(run.prompt), head: `codegen/run-${run.id}`, base: 'main' }, tool_output: { number: 100 + run.id, url: `https://github.com/${run.effectiveRepoFullName}/pull/${100 + run.id}` } };
    case 'DETECT_PR_ERRORS':
      return { ...base, ...none, tool_name: 'view_pr_checks', observation: { checks: [{ name: 'lint', conclusion: 'failure' }, { name: 'test', conclusion: 'success' }] } };
    case 'FIX_PR_ERRORS':
      return { ...base, ...none, tool_name: 'edit_file', thought: 'Fixing the lint failure.', tool_input: { path: file, edit: 'remove unused import' }, tool_output: 'Applied 1 edit.' };
    case 'COMMIT_EVALUATION':
      return { ...base, ...none, thought: 'The commit is small and focused.', observation: { files_changed: 3, additions: 42, deletions: 7 } };
    case 'PR_EVALUATION':
      return { ...base, ...none, thought: 'All checks pass; the PR is ready for review.', observation: 'checks: 2/2 passing' };
    case 'AGENT_RUN_LINK':
      return { ...base, ...none, tool_name: 'spawn_agent', observation: 'Started a sub-agent for the docs.', tool_output: { agent_run_id: run.id + 10_000, url: webUrl(run.id + 10_000) } };
    case 'FINAL_ANSWER':
      return { ...base, ...none, thought: 'Done.', observation: `Finished: ${titleFromPrompt(phase.prompt)}. Changes are in the pull request.` };
    default:
      return actionEntry(base, none, random, file, index, phase);
  }
}

function actionEntry(
  base: Pick<ApiLogEntry, 'agent_run_id' | 'created_at' | 'message_type'>,
  none: Pick<ApiLogEntry, 'tool_name' | 'thought' | 'observation' | 'tool_input' | 'tool_output'>,
  random: () => number,
  file: string,
  index: number,
  phase: RunPhase,
): ApiLogEntry {
  // The 7th entry of an initial phase, and every 50th, carries a long output.
  if ((phase.kind === 'initial' && index === 6) || (index > 0 && index % 50 === 0)) {
    return { ...base, ...none, tool_name: 'run_command', thought: 'Running the whole test suite.', tool_input: { command: 'npm test' }, tool_output: longText(random), observation: 'exit code 0' };
  }
  switch (index % 5) {
    case 0:
      return { ...base, ...none, tool_name: 'ripgrep_search', thought: `Looking for usages in ${file}.`, tool_input: { query: 'formatDate', path: 'src' }, tool_output: `${file}:12: return formatDate(value);\n${file}:40: formatDate(now)` };
    case 1:
      return { ...base, ...none, tool_name: 'read_file', tool_input: `${file}`, observation: `export const widget = () => '<div class="widget">hello</div>';\n// ${HOSTILE_LINKS}` };
    case 2:
      return { ...base, ...none, tool_name: 'run_command', tool_input: { command: 'npm run lint' }, observation: { exit_code: 0, stdout: 'no problems', duration_ms: Math.floor(random() * 5000) } };
    case 3:
      return { ...base, ...none, tool_name: 'edit_file', thought: `Editing ${file}.`, tool_input: { path: file, old: 'let x = 1', new: 'const x = 1' }, tool_output: { applied: true, diff: `--- a/${file}\n+++ b/${file}\n-let x = 1\n+const x = 1` } };
    default:
      return { ...base, ...none, tool_name: 'think', thought: `Considering edge cases for ${file}: empty input, unicode (日本語, émoji 🎉), and ${HOSTILE_THOUGHT}` };
  }
}
