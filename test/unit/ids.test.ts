// src/ids.ts and package.json must agree: every command, setting, view and context key the manifest
// names is declared once in the ids module, and nothing in src/ spells an id out on its own.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TOOL_INPUT_SCHEMAS } from '../../src/delegate/toolInputs';
import { Chat, Colors, Commands, ContextKeys, Settings, SETTINGS_SECTION, settingId, Views } from '../../src/ids';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  activationEvents?: string[];
  contributes: {
    commands: Array<{ command: string }>;
    configuration: { properties: Record<string, unknown> };
    views: Record<string, Array<{ id: string }>>;
    viewsContainers: { activitybar: Array<{ id: string }> };
    menus: Record<string, Array<{ command?: string; when?: string }>>;
    keybindings?: Array<{ command: string; when?: string }>;
    viewsWelcome?: Array<{ view: string; when?: string }>;
    walkthroughs?: Array<{ id: string; steps: Array<{ completionEvents?: string[]; when?: string }> }>;
    languageModelTools?: Array<{ name: string; when?: string }>;
    chatParticipants?: Array<{ id: string }>;
    authentication?: Array<{ id: string }>;
    colors?: Array<{ id: string; defaults: Record<string, string> }>;
  };
};
const contributes = manifest.contributes;

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

/** Every `when` clause of the manifest. */
function whenClauses(): string[] {
  const clauses: string[] = [];
  JSON.stringify(contributes, (key, value: unknown) => {
    if ((key === 'when' || key === 'enablement') && typeof value === 'string') clauses.push(value);
    return value;
  });
  return clauses;
}

describe('ids module and package.json agree', () => {
  it('declares exactly the contributed commands', () => {
    assert.deepEqual(sorted(Object.values(Commands)), sorted(contributes.commands.map((c) => c.command)));
  });

  it('declares exactly the contributed theme colors, each with a default for every theme kind', () => {
    assert.deepEqual(sorted(Object.values(Colors)), sorted((contributes.colors ?? []).map((c) => c.id)));
    for (const color of contributes.colors ?? []) assert.deepEqual(sorted(Object.keys(color.defaults)), ['dark', 'highContrast', 'highContrastLight', 'light'], color.id);
  });

  it('menus and keybindings name only declared commands', () => {
    const declared = new Set<string>(Object.values(Commands));
    const used = [...Object.values(contributes.menus).flat().map((item) => item.command), ...(contributes.keybindings ?? []).map((k) => k.command)];
    for (const command of used) if (command !== undefined) assert.ok(declared.has(command), command);
  });

  it('declares exactly the contributed settings', () => {
    assert.deepEqual(sorted(Object.values(Settings).map((key) => settingId(key))), sorted(Object.keys(contributes.configuration.properties)));
    for (const key of Object.keys(contributes.configuration.properties)) assert.ok(key.startsWith(`${SETTINGS_SECTION}.`), key);
  });

  it('declares the views, the container and the walkthrough', () => {
    assert.deepEqual(contributes.viewsContainers.activitybar.map((c) => c.id), [Views.container]);
    assert.ok(contributes.views[Views.container]?.some((view) => view.id === Views.runs));
    assert.ok(manifest.activationEvents?.includes(`onWebviewPanel:${Views.runDetails}`));
    assert.ok(contributes.walkthroughs?.some((walkthrough) => walkthrough.id === Views.walkthrough));
  });

  it('every codegen.* context key in a when clause is declared', () => {
    const declared = new Set<string>(Object.values(ContextKeys));
    const settings = new Set(Object.keys(contributes.configuration.properties).map((key) => `config.${key}`));
    const named = whenClauses().flatMap((clause) => clause.match(/\b(?:config\.)?codegen\.[A-Za-z.]+/g) ?? []);
    assert.ok(named.length > 0);
    for (const key of named) {
      if (key.startsWith('config.')) assert.ok(settings.has(key), key);
      else if (!Object.values(Views).includes(key as never)) assert.ok(declared.has(key), key);
    }
  });

  it('in an untrusted workspace, a cloned repository cannot choose where work goes or how it is checked', () => {
    const restricted = (manifest as unknown as { capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } } }).capabilities.untrustedWorkspaces;
    assert.equal(restricted.supported, 'limited');
    for (const key of [Settings.apiBaseUrl, Settings.organizationId, Settings.repositoryId, Settings.model, Settings.agentType, Settings.promptTemplates, Settings.promptReviewBeforeSend, Settings.contextMaxChars]) {
      assert.ok(restricted.restrictedConfigurations.includes(settingId(key)), settingId(key));
    }
  });

  it('declares the chat participant and the agent-mode tools, with the tools\' input schemas as the parsers know them', () => {
    assert.deepEqual(contributes.chatParticipants?.map((p) => p.id), [Chat.participant]);
    const tools = (contributes.languageModelTools ?? []) as Array<{ name: string; inputSchema: unknown; when?: string }>;
    assert.deepEqual(tools.map((t) => t.name).sort(), [Chat.createRunTool, Chat.getRunTool, Chat.listRunsTool].sort());
    for (const tool of tools) {
      assert.deepEqual(tool.inputSchema, TOOL_INPUT_SCHEMAS[tool.name as keyof typeof TOOL_INPUT_SCHEMAS], tool.name);
      assert.equal(tool.when, `config.${settingId(Settings.toolsEnabled)}`);
    }
    assert.deepEqual(contributes.authentication?.map((a) => a.id), ['codegen']);
  });

  it('no file in src/ spells a codegen.* id out except the ids module', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts') && !file.endsWith(path.join('src', 'ids.ts'))) {
          const text = fs.readFileSync(file, 'utf8');
          for (const match of text.matchAll(/['"`]codegen\.[A-Za-z][A-Za-z.]*['"`]/g)) {
            const line = text.slice(0, match.index).split('\n').length;
            const source = text.split('\n')[line - 1] ?? '';
            if (!/^\s*(\/\/|\/?\*)/.test(source) && !/\.(svg|png|json|md)['"`]$/.test(match[0])) offenders.push(`${path.relative(root, file)}:${line} ${match[0]}`);
          }
        }
      }
    };
    walk(path.join(root, 'src'));
    assert.deepEqual(offenders, []);
  });
});
