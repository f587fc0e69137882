// src/changes basics: the CLI git runner (environment, input, bytes, timeouts, missing git), branch-name
// validation against git's own check, PR urls and remote matching, parsing of git output, message sanitizing.

import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { branchNameProblem } from '../../src/changes/branchName';
import { parseNameStatus } from '../../src/changes/changedFiles';
import { ChangesError, sanitizeGitMessage } from '../../src/changes/errors';
import { classifyFetchFailure } from '../../src/changes/fetchBranch';
import { CliGitRunner, gitEnvironment } from '../../src/changes/gitRunner';
import { chooseRemoteForPullRequest, parsePullRequestUrl, readRemotes, remoteHost, type GitRemote, type PullRequestLocation } from '../../src/changes/remotes';
import { resolveRepository } from '../../src/changes/repository';
import { parseStatus } from '../../src/changes/workingTree';
import { clientGit, initRepository } from '../simulator/gitWorkspace';

describe('changes: core', () => {
  let tempDir: string;

  beforeEach(() => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-changes-core-'));
  });

  afterEach(() => {
    rmSync(tempDir, { recursive: true, force: true });
  });

  describe('CliGitRunner', () => {
    it('runs git without a shell, feeds stdin, answers text and bytes, and reports exit codes', async () => {
      const repo = initRepository(path.join(tempDir, 'repo'), { 'a.txt': 'a\n' });
      const runner = new CliGitRunner();
      const hashed = await runner.run(repo, ['hash-object', '--stdin'], { input: 'hello $(whoami) `id`\n' });
      assert.deepEqual([hashed.code, hashed.stdout.trim()], [0, clientGit(repo, ['hash-object', '--stdin'], 'hello $(whoami) `id`\n').trim()]);
      const blob = await runner.run(repo, ['cat-file', 'blob', 'HEAD:a.txt'], { binary: true });
      assert.deepEqual(Buffer.from(blob.stdoutBytes ?? []).toString(), 'a\n');
      const failed = await runner.run(repo, ['rev-parse', '--verify', 'no-such-ref']);
      assert.equal(failed.code, 128);
      assert.match(failed.stderr, /Needed a single revision/);
    });

    it('ignores GIT_DIR and askpass programs from its environment, disables prompts and speaks English', async () => {
      const repo = initRepository(path.join(tempDir, 'repo'), { 'a.txt': 'a\n' });
      const env = gitEnvironment({ PATH: process.env.PATH, GIT_DIR: '/nowhere', GIT_ASKPASS: '/bin/evil', SSH_ASKPASS: '/bin/evil', LANG: 'de_DE.UTF-8', LANGUAGE: 'de' });
      assert.deepEqual(
        [env.GIT_DIR, env.GIT_ASKPASS, env.SSH_ASKPASS, env.LANGUAGE, env.GIT_TERMINAL_PROMPT, env.LC_ALL, env.GCM_INTERACTIVE],
        [undefined, undefined, undefined, undefined, '0', 'C', 'never'],
      );
      const runner = new CliGitRunner({ baseEnv: { ...process.env, GIT_DIR: path.join(tempDir, 'nowhere'), GIT_WORK_TREE: tempDir } });
      assert.equal(await resolveRepository(runner, repo), clientGit(repo, ['rev-parse', '--show-toplevel']).trim());
      const quoted = await runner.run(repo, ['config', '--get', 'core.quotepath']);
      assert.equal(quoted.stdout.trim(), 'off');
    });

    it('says gitMissing when git cannot be started, and notAGitRepository for a missing or plain folder', async () => {
      await assert.rejects(new CliGitRunner({ gitPath: path.join(tempDir, 'no-git-here') }).run(tempDir, ['--version']), isKind('gitMissing'));
      const runner = new CliGitRunner();
      await assert.rejects(resolveRepository(runner, path.join(tempDir, 'missing')), isKind('notAGitRepository'));
      await assert.rejects(resolveRepository(runner, tempDir), isKind('notAGitRepository'));
      clientGit(tempDir, ['init', '--quiet', '--bare', 'bare.git']);
      await assert.rejects(resolveRepository(runner, path.join(tempDir, 'bare.git')), isKind('notAGitRepository'));
      // Another fatal error of git (exit 128 too) is said as git said it, not taken for a folder without git.
      const dubious = { run: () => Promise.resolve({ code: 128, stdout: '', stderr: "fatal: detected dubious ownership in repository at '/srv/repo'\n" }) };
      await assert.rejects(resolveRepository(dubious, '/srv/repo'), (error: unknown) => isKind('gitFailed')(error) && /dubious ownership/.test(String((error as Error).message)));
    });

    it('stops a command at its timeout, with its whole process group (POSIX)', async () => {
      const pidFile = path.join(tempDir, 'child.pid');
      const fakeGit = path.join(tempDir, 'slow-git');
      writeFileSync(fakeGit, `#!/bin/sh\nsleep 30 &\necho $! > '${pidFile}'\nwait\n`);
      chmodSync(fakeGit, 0o755);
      const started = Date.now();
      await assert.rejects(new CliGitRunner({ gitPath: fakeGit, timeoutMs: 300 }).run(tempDir, ['fetch']), isKind('timedOut'));
      assert.ok(Date.now() - started < 5000, 'answered at the timeout, not when the command ended');
      const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(isRunning(grandchild), false, 'the sleep started by the command was killed too');
    });
  });

  describe('branch names', () => {
    const hostile = [
      '', '-x', '--upload-pack=touch /tmp/pwned', '+main', 'a..b', '@{-1}', 'x@{u}', 'HEAD', '@', 'refs/heads/main', 'a b', 'a;rm -rf ~', 'tab\there', 'new\nline',
      'a:b', 'a~1', 'a^', 'a?', 'a*', 'a[b', 'a\\b', '/a', 'a/', 'a//b', 'a.', '.hidden', 'x/.y', 'foo.lock', 'a/b.lock/c', 'del\u007f', 'x'.repeat(201),
    ];
    const fine = ['codegen/run-7', 'feature/ABC-123_fix', 'héllo', 'a@b', 'x.lock.y', 'a$(x)', "it's", 'v1.2.3', 'a/-b'];

    it('refuses hostile names, accepts ordinary ones', () => {
      for (const name of hostile) assert.notEqual(branchNameProblem(name), undefined, `refuses ${JSON.stringify(name)}`);
      for (const name of fine) assert.equal(branchNameProblem(name), undefined, `accepts ${JSON.stringify(name)}`);
    });

    it('never accepts a name git check-ref-format --branch rejects', () => {
      const repo = initRepository(path.join(tempDir, 'repo'), { 'a.txt': 'a\n' });
      for (const name of [...hostile, ...fine].filter((candidate) => candidate !== '' && !candidate.includes('\n'))) {
        let gitAccepts = true;
        try {
          clientGit(repo, ['check-ref-format', '--branch', name]);
        } catch {
          gitAccepts = false;
        }
        if (!gitAccepts) assert.notEqual(branchNameProblem(name), undefined, `git rejects ${JSON.stringify(name)}, so must we`);
        if (fine.includes(name)) assert.ok(gitAccepts, `git accepts ${JSON.stringify(name)}`);
      }
    });
  });

  describe('pull requests and remotes', () => {
    const pr = (url: string): PullRequestLocation => {
      const location = parsePullRequestUrl(url);
      assert.ok(location, url);
      return location;
    };
    const remotes = (...entries: Array<[string, string]>): GitRemote[] => entries.map(([name, fetchUrl]) => ({ name, fetchUrl }));

    it('parses PR urls and refuses anything else', () => {
      assert.deepEqual(pr('https://github.com/acme/widgets/pull/107'), { host: 'github.com', owner: 'acme', name: 'widgets', fullName: 'acme/widgets', number: 107 });
      assert.equal(pr('https://GitHub.com/Acme/my.repo/pull/3/files?x=1#y').fullName, 'Acme/my.repo');
      for (const bad of ['', 'not a url', 'https://github.com/acme/widgets', 'https://github.com/acme/widgets/issues/1', 'ftp://github.com/a/b/pull/1',
        'https://user:tok@github.com/a/b/pull/1', 'https://github.com/a/../pull/1', 'https://github.com/a/b/c/pull/1', 'javascript:alert(1)//github.com/a/b/pull/1']) {
        assert.equal(parsePullRequestUrl(bad), undefined, bad);
      }
    });

    it('picks the remote naming owner/name in any URL form, case-insensitively, preferring the PR host, the tracked remote and origin', async () => {
      const location = pr('https://github.com/acme/widgets/pull/107');
      const pick = async (list: GitRemote[], tracking?: string) => (await chooseRemoteForPullRequest(location, list, tracking))?.name;
      for (const url of ['https://github.com/acme/widgets.git', 'https://github.com/ACME/Widgets', 'git@github.com:acme/widgets.git', 'ssh://git@github.com:22/acme/widgets',
        'https://x-access-token:ghs_abc@github.com/acme/widgets.git', 'github-work:acme/widgets.git']) {
        assert.equal(await pick(remotes(['fork', 'https://github.com/me/widgets.git'], ['up', url])), 'up', url);
      }
      assert.equal(await pick(remotes(['fork', 'https://github.com/me/widgets.git'], ['local', '/srv/git/acme/widgets.git'])), undefined);
      assert.equal(await pick(remotes(['alias', 'github-work:acme/widgets'], ['mirror', 'https://github.com/acme/widgets'])), 'mirror', 'same host first');
      assert.equal(await pick(remotes(['upstream', 'https://github.com/acme/widgets'], ['origin', 'git@github.com:acme/widgets'])), 'origin');
      assert.equal(await pick(remotes(['upstream', 'https://github.com/acme/widgets'], ['origin', 'git@github.com:acme/widgets']), 'upstream'), 'upstream', 'the tracked remote first');
      assert.equal(await pick(remotes(['b', 'https://github.com/acme/widgets'], ['upstream', 'https://github.com/acme/widgets'])), 'upstream');
      assert.deepEqual([remoteHost('git@GitHub.com:a/b'), remoteHost('https://u:p@example.org:8443/a/b'), remoteHost('/local/path')], ['github.com', 'example.org', undefined]);
    });

    it('lists configured remote URLs (not rewritten), remote names with dots included, and the branches\u2019 tracking remotes', async () => {
      const repo = initRepository(path.join(tempDir, 'repo'), { 'a.txt': 'a\n' });
      const runner = new CliGitRunner();
      assert.deepEqual(await readRemotes(runner, repo), { remotes: [], tracking: new Map() });
      clientGit(repo, ['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
      clientGit(repo, ['remote', 'add', 'my.fork', 'git@github.com:me/widgets.git']);
      clientGit(repo, ['config', `url.${tempDir}/.insteadOf`, 'https://github.com/']);
      clientGit(repo, ['config', 'branch.feature.x.remote', 'my.fork']);
      assert.deepEqual(await readRemotes(runner, repo), {
        remotes: remotes(['origin', 'https://github.com/acme/widgets.git'], ['my.fork', 'git@github.com:me/widgets.git']),
        tracking: new Map([['feature.x', 'my.fork']]),
      });
    });
  });

  describe('parsing and messages', () => {
    it('parses name-status output with renames, odd paths and unknown letters', () => {
      const output = ['A', 'src/new file.ts', 'M', 'ü/ß.md', 'D', 'gone.txt', 'R087', 'old\tname.md', 'new name.md', 'T', 'link', 'X', 'odd', ''].join('\0');
      assert.deepEqual(parseNameStatus(output), [
        { status: 'added', path: 'src/new file.ts' },
        { status: 'modified', path: 'ü/ß.md' },
        { status: 'deleted', path: 'gone.txt' },
        { status: 'renamed', path: 'new name.md', oldPath: 'old\tname.md', similarity: 87 },
        { status: 'typeChanged', path: 'link' },
        { status: 'unknown', path: 'odd' },
      ]);
      assert.deepEqual(parseNameStatus(''), []);
      assert.throws(() => parseNameStatus('R100\0only-old\0'), ChangesError);
    });

    it('parses porcelain v2 status: branch, detached HEAD, changes, renames, conflicts, untracked', () => {
      const sha = 'a'.repeat(40);
      const state = parseStatus([
        `# branch.oid ${sha}`, '# branch.head main', `1 .M N... 100644 100644 100644 ${sha} ${sha} with space.txt`, `1 A. N... 000000 100644 100644 ${'0'.repeat(40)} ${sha} staged.txt`,
        `2 R. N... 100644 100644 100644 ${sha} ${sha} R100 new.md`, 'old.md', `u UU N... 100644 100644 100644 100644 ${sha} ${sha} ${sha} both.ts`, '? untracked dir/file.txt', '',
      ].join('\0'));
      const { entries, ...rest } = state;
      assert.deepEqual(rest, {
        branch: 'main', headSha: sha, detached: false, changed: ['with space.txt', 'staged.txt', 'new.md'], unstaged: ['with space.txt'],
        untracked: ['untracked dir/file.txt'], conflicted: ['both.ts'], dirty: true,
      });
      assert.deepEqual([...entries.keys()], ['with space.txt', 'staged.txt', 'new.md', 'both.ts', 'untracked dir/file.txt'], 'every path, no header');
      assert.equal(entries.get('new.md'), `2 R. N... 100644 100644 100644 ${sha} ${sha} R100 new.md\0old.md`, 'a rename with its original path');
      assert.deepEqual(parseStatus(['# branch.oid (initial)', '# branch.head (detached)', ''].join('\0')), {
        branch: undefined, headSha: undefined, detached: true, changed: [], unstaged: [], untracked: [], conflicted: [], dirty: false, entries: new Map(),
      });
    });

    it('classifies fetch failures from git stderr', () => {
      assert.equal(classifyFetchFailure("fatal: couldn't find remote ref refs/heads/codegen/run-3"), 'branchNotFound');
      for (const text of [
        "fatal: could not read Username for 'https://github.com': terminal prompts disabled", 'remote: Repository not found.\nfatal: repository \'https://github.com/a/b.git/\' not found',
        'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights', 'fatal: Authentication failed for \'https://x\'',
      ]) assert.equal(classifyFetchFailure(text), 'authFailed', text);
      for (const text of ["fatal: '/x/y.git' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights",
        "fatal: transport 'https' not allowed", "fatal: unable to access 'https://h/': Could not resolve host: h", 'fatal: early EOF']) {
        assert.equal(classifyFetchFailure(text), 'fetchFailed', text);
      }
    });

    it('sanitizes git messages: credentials, tokens, escapes, control characters, length', () => {
      const text = "\u001b[31mfatal:\u001b[0m unable to access 'https://x-access-token:ghs_0123456789abcdefghijABCDEFGHIJ@github.com/a/b.git/'\u0007\r\n\n\n\ntoken ghp_abcdefghijklmnopqrstuvwxyz0123";
      assert.equal(sanitizeGitMessage(text), "fatal: unable to access 'https://github.com/a/b.git/'\n\ntoken ***");
      assert.equal(sanitizeGitMessage('x'.repeat(5000)).length, 1500);
      assert.ok(sanitizeGitMessage('y'.repeat(20), 10).endsWith('…'));
    });
  });
});

/** False for a process that is gone or a zombie (killed, not reaped yet: a container's init may never reap it). */
function isRunning(pid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0) !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isKind(kind: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof ChangesError, String(error));
    assert.equal(error.kind, kind, error.message);
    return true;
  };
}
