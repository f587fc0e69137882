// Prompt templates offered when sending work: built-in ones plus the user's own from a setting.

export const REQUEST_PLACEHOLDER = '{request}';

export interface PromptTemplate {
  id: string;
  label: string;
  /** Template text: `{request}` marks where the user's request goes; without it the text is a prefix. */
  text: string;
  builtIn: boolean;
}

export const BUILT_IN_TEMPLATES: readonly PromptTemplate[] = Object.freeze([
  {
    id: 'implement',
    label: 'Implement',
    text: 'Implement the following. Follow the existing code style, keep the change focused, and add or update tests where it makes sense.\n\n{request}',
    builtIn: true,
  },
  {
    id: 'fix-problems',
    label: 'Fix the problems',
    text: 'Fix the problems VS Code reports in the code below (listed under "Problems"). Fix the causes rather than silencing the checks.\n\n{request}',
    builtIn: true,
  },
  {
    id: 'write-tests',
    label: 'Write tests',
    text: "Write tests for the code below using the project's existing test framework and conventions. Cover edge cases and error paths.\n\n{request}",
    builtIn: true,
  },
  {
    id: 'refactor',
    label: 'Refactor',
    text: 'Refactor the code below for readability and maintainability without changing its behaviour. Keep public APIs unchanged unless asked.\n\n{request}',
    builtIn: true,
  },
  {
    id: 'review',
    label: 'Review',
    text: 'Review the code below: point out bugs, security issues, edge cases and unclear parts, with concrete suggestions.\n\n{request}',
    builtIn: true,
  },
]);

export const MAX_USER_TEMPLATES = 50;
export const MAX_TEMPLATE_LABEL_CHARS = 80;
export const MAX_TEMPLATE_PROMPT_CHARS = 20_000;

/** The request with the template applied; an empty request leaves just the template's text. */
export function applyTemplate(template: Pick<PromptTemplate, 'text'>, request: string): string {
  const trimmedRequest = request.trim();
  if (template.text.includes(REQUEST_PLACEHOLDER)) {
    // split/join rather than replace(): a `$&` in the request must stay literal.
    return template.text.split(REQUEST_PLACEHOLDER).join(trimmedRequest).trim();
  }
  return trimmedRequest === '' ? template.text.trim() : `${template.text.trim()}\n\n${trimmedRequest}`;
}

export interface MergedTemplates {
  templates: PromptTemplate[];
  /** Why entries of the setting were dropped, one sentence each, for a warning. */
  problems: string[];
}

function slug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Built-in templates followed by valid user templates from a setting (an array of `{label, prompt}`).
 * A user template with the label of a built-in one replaces it in place. Invalid entries are dropped,
 * each with a reason in `problems`.
 */
export function mergeTemplates(builtIn: readonly PromptTemplate[], fromSetting: unknown): MergedTemplates {
  const templates = builtIn.map((t) => ({ ...t }));
  const problems: string[] = [];
  if (fromSetting === undefined || fromSetting === null) return { templates, problems };
  if (!Array.isArray(fromSetting)) {
    problems.push('The prompt templates setting must be a list of {"label", "prompt"} objects; it was ignored.');
    return { templates, problems };
  }
  const entries: unknown[] = fromSetting;
  if (entries.length > MAX_USER_TEMPLATES) {
    problems.push(`Only the first ${MAX_USER_TEMPLATES} of ${entries.length} prompt templates are used.`);
  }
  const userLabels = new Set<string>();
  entries.slice(0, MAX_USER_TEMPLATES).forEach((entry, index) => {
    const name = `Prompt template ${index + 1}`;
    if (!isRecord(entry)) {
      problems.push(`${name} was dropped: it must be an object with "label" and "prompt".`);
      return;
    }
    const { label, prompt } = entry;
    if (typeof label !== 'string' || label.trim() === '') {
      problems.push(`${name} was dropped: "label" must be a non-empty string.`);
      return;
    }
    const cleanLabel = label.trim().replace(/\s+/g, ' ');
    const named = `${name} ("${cleanLabel.slice(0, MAX_TEMPLATE_LABEL_CHARS)}")`;
    if (cleanLabel.length > MAX_TEMPLATE_LABEL_CHARS) {
      problems.push(`${named} was dropped: "label" is longer than ${MAX_TEMPLATE_LABEL_CHARS} characters.`);
      return;
    }
    if (typeof prompt !== 'string' || prompt.trim() === '') {
      problems.push(`${named} was dropped: "prompt" must be a non-empty string.`);
      return;
    }
    if (prompt.length > MAX_TEMPLATE_PROMPT_CHARS) {
      problems.push(`${named} was dropped: "prompt" is longer than ${MAX_TEMPLATE_PROMPT_CHARS} characters.`);
      return;
    }
    const key = cleanLabel.toLowerCase();
    if (userLabels.has(key)) {
      problems.push(`${named} was dropped: an earlier template has the same label.`);
      return;
    }
    userLabels.add(key);
    // Ids stay unique even when two labels differ only in punctuation.
    let id = `user:${slug(cleanLabel) || 'template'}`;
    if (templates.some((t) => t.id === id)) id = `${id}-${index + 1}`;
    const template: PromptTemplate = { id, label: cleanLabel, text: prompt, builtIn: false };
    const replaced = templates.findIndex((t) => t.builtIn && t.label.toLowerCase() === key);
    if (replaced >= 0) templates[replaced] = template;
    else templates.push(template);
  });
  return { templates, problems };
}
