// Files a tool call or a chat reference names, read for sending (src/delegate/workspaceReads,
// fileReferences, preparedReads), on real scratch folders with real symbolic links: nothing outside the
// workspace through a link, nothing from .git, a size cap while reading, one read that the confirmation shows
// and the call sends; in a workspace of two folders (two git repositories), relative paths resolve against
// the folder that holds them and the run goes to their repository.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CliGitRunner } from '../../src/changes/gitRunner';
import { readRepositoryInfo, repositoryOfFile, repositoryOfWorkspace } from '../../src/changes/repositories';
import { readReferencedFiles } from '../../src/delegate/fileReferences';
import { PreparedReads } from '../../src/delegate/preparedReads';
import { isNotRead, locateWorkspaceFile, readWorkspaceFile, type ReadFolder } from '../../src/delegate/workspaceReads';
import { sendingGitContext } from '../../src/send/repositoryDecision';
import type { GitContext } from '../../src/send/sendTypes';
import { clientGit, initRepository } from '../simulator/gitWorkspace';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-WORKSPACE';

describe('delegate: reading the files a tool or a chat names', function () {
  this.timeout(20_000);
  let tempDir: string;
  let ws: string;
  let folders: ReadFolder[];

  /** What is read for a path, or why it is not sent. */
  const read = async (filePath: string, maxBytes?: number): Promise<{ text?: string; notSent?: string; problem?: string }> => {
    const located = await locateWorkspaceFile(filePath, folders);
    if (isNotRead(located)) return located;
    const file = await readWorkspaceFile(located, maxBytes === undefined ? {} : { maxBytes });
    return isNotRead(file) ? file : { text: file.text };
  };

  beforeEach(() => {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'codegen-reads-'));
    ws = path.join(tempDir, 'ws');
    const outside = path.join(tempDir, 'outside');
    mkdirSync(path.join(ws, 'src'), { recursive: true });
    mkdirSync(path.join(ws, '.git'), { recursive: true });
    mkdirSync(path.join(ws, 'pkg', '.GIT'), { recursive: true });
    mkdirSync(path.join(outside, 'dir'), { recursive: true });
    writeFileSync(path.join(ws, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(ws, '.git', 'config'), '[core]\n\tsshCommand = ./steal\n');
    writeFileSync(path.join(ws, 'pkg', '.GIT', 'config'), '[core]\n\tfsmonitor = ./steal\n');
    writeFileSync(path.join(outside, 'hostname'), `${SECRET}\n`);
    writeFileSync(path.join(outside, 'dir', 'inner.txt'), `${SECRET} inner\n`);
    symlinkSync(path.join(outside, 'hostname'), path.join(ws, 'hostname-link'));
    symlinkSync(path.join(outside, 'dir'), path.join(ws, 'dir-link'));
    symlinkSync(path.join(ws, '.git'), path.join(ws, 'git-link'));
    symlinkSync(path.join(ws, '.git', 'config'), path.join(ws, 'config-link'));
    symlinkSync(path.join(ws, 'src', 'a.ts'), path.join(ws, 'inside-link.ts'));
    symlinkSync(path.join(ws, 'loop'), path.join(ws, 'loop'));
    folders = [{ name: 'ws', path: ws }];
  });

  afterEach(() => {
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('reads a file inside the folder by its relative or absolute path, and a link that stays inside', async () => {
    assert.deepEqual(await read('src/a.ts'), { text: 'export const a = 1;\n' });
    assert.deepEqual(await read(path.join(ws, 'src', 'a.ts')), { text: 'export const a = 1;\n' });
    assert.deepEqual(await read('inside-link.ts'), { text: 'export const a = 1;\n' });
  });

  it('refuses a link to a file outside the workspace (an /etc/hostname of its own) and a link to a folder outside', async () => {
    for (const filePath of ['hostname-link', 'dir-link/inner.txt', path.join(ws, 'dir-link', 'inner.txt')]) {
      const result = await read(filePath);
      assert.equal(result.text, undefined, `${filePath} must not be read`);
      assert.equal(result.problem, 'outside', filePath);
      assert.match(result.notSent ?? '', /outside the workspace folder ws \(through a symbolic link\)/);
    }
  });

  it('refuses .git in any case, directly, in a nested folder, and through a link to it or into it', async () => {
    for (const filePath of ['.git/config', 'pkg/.GIT/config', 'git-link/config', 'config-link', path.join(ws, '.git', 'config'), 'src/../.git/config']) {
      const result = await read(filePath);
      assert.equal(result.text, undefined, `${filePath} must not be read`);
      assert.deepEqual(result, { notSent: 'it is inside a .git folder, which is never sent', problem: 'gitFolder' }, filePath);
    }
  });

  it('refuses a path that climbs out with .., an absolute path elsewhere, and says why', async () => {
    for (const filePath of ['../outside/hostname', 'src/../../outside/hostname', path.join(tempDir, 'outside', 'hostname'), '/etc/hostname']) {
      assert.deepEqual(await read(filePath), { notSent: 'outside the workspace folders', problem: 'outside' }, filePath);
    }
  });

  it('says why a folder, a pipe, a missing file, a link loop, a binary file and a file over the limit are not sent (and never waits on the pipe)', async () => {
    assert.deepEqual(await read('src'), { notSent: 'it is a folder', problem: 'folder' });
    execFileSync('mkfifo', [path.join(ws, 'pipe')]);
    assert.deepEqual(await read('pipe'), { notSent: 'it is not a regular file', problem: 'notAFile' });
    assert.deepEqual(await read('gone.ts'), { notSent: 'it could not be read: it does not exist', problem: 'unreadable' });
    assert.deepEqual(await read('loop'), { notSent: 'it could not be read: a symbolic link loops', problem: 'unreadable' });
    writeFileSync(path.join(ws, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    assert.equal((await read('image.png')).problem, 'binary');
    writeFileSync(path.join(ws, 'big.log'), 'x'.repeat(101));
    assert.deepEqual(await read('big.log', 100), { notSent: 'it is 101 bytes, over the 100 bytes a file sent to Codegen may have', problem: 'tooLarge' });
    writeFileSync(path.join(ws, 'fits.log'), 'x'.repeat(100));
    assert.equal((await read('fits.log', 100)).text?.length, 100);
  });

  it('a file that grows between the confirmation and the call: the call sends what the confirmation showed, read once', async () => {
    const file = path.join(ws, 'src', 'grow.ts');
    writeFileSync(file, 'line 1\nline 2\n');
    const prepared = new PreparedReads<Awaited<ReturnType<typeof readReferencedFiles>>>(() => 0);
    const input = { prompt: 'Fix it', files: [{ path: 'src/grow.ts' }] };
    const confirmed = await readReferencedFiles(input.files, folders);
    prepared.put(input, confirmed);
    assert.deepEqual(confirmed.labels, [{ label: 'src/grow.ts (whole file, lines 1-2)' }]);
    appendFileSync(file, `${SECRET}\n`.repeat(1000));
    const sent = prepared.take({ files: [{ path: 'src/grow.ts' }], prompt: 'Fix it' });
    assert.ok(sent, 'the confirmed read is kept for the call (whatever the order of the input\u2019s properties)');
    assert.deepEqual(sent.attachments, [{ label: 'src/grow.ts (whole file, lines 1-2)', text: 'line 1\nline 2' }]);
    assert.equal(prepared.take(input), undefined, 'taken once');
  });

  it('confirmed reads expire and are bounded; the latest confirmation of an input is the one taken', () => {
    let now = 0;
    const prepared = new PreparedReads<string>(() => now, 1_000, 2);
    prepared.put({ a: 1 }, 'first');
    prepared.put({ a: 1 }, 'second');
    prepared.put({ b: 1 }, 'other');
    assert.equal(prepared.size, 2, 'bounded: the oldest went');
    assert.equal(prepared.take({ a: 1 }), 'second');
    now = 1_001;
    assert.equal(prepared.take({ b: 1 }), undefined, 'expired');
  });

  it('an open document is sent as it is (unsaved edits), only after the path checks', async () => {
    const openText = (paths: readonly string[]): string | undefined => (paths.some((file) => file.endsWith('a.ts') || file.endsWith('hostname')) ? 'unsaved text' : undefined);
    const { attachments, labels } = await readReferencedFiles([{ path: 'src/a.ts' }, { path: 'hostname-link' }], folders, { openText });
    assert.deepEqual(attachments, [{ label: 'src/a.ts (whole file, line 1)', text: 'unsaved text' }]);
    assert.equal(labels[1]?.notSent, 'it leads outside the workspace folder ws (through a symbolic link)');
  });

  describe('a workspace of two folders, two git repositories', () => {
    let alpha: string;
    let beta: string;
    let runner: CliGitRunner;
    const gitOf = async (file: string): Promise<GitContext | undefined> => {
      const root = await repositoryOfFile(runner, [alpha, beta], file);
      return root === undefined ? undefined : sendingGitContext(await readRepositoryInfo(runner, root), root);
    };

    beforeEach(() => {
      alpha = initRepository(path.join(tempDir, 'alpha'), { 'src/shared.ts': 'alpha shared\n', 'src/only-alpha.ts': 'alpha\n' });
      beta = initRepository(path.join(tempDir, 'beta'), { 'src/shared.ts': 'beta shared\n', 'src/y.ts': 'beta y\n' });
      clientGit(alpha, ['remote', 'add', 'origin', 'https://github.com/acme/alpha.git']);
      clientGit(beta, ['remote', 'add', 'origin', 'https://github.com/acme/beta.git']);
      folders = [
        { name: 'alpha', path: alpha },
        { name: 'beta', path: beta },
      ];
      runner = new CliGitRunner({ isTrusted: () => true, timeoutMs: 20_000 });
    });

    it('resolves a relative path against the folder that holds it: folderName/rest, or the only folder where it exists; ambiguous is refused', async () => {
      assert.deepEqual(await read('src/y.ts'), { text: 'beta y\n' });
      assert.deepEqual(await read('beta/src/shared.ts'), { text: 'beta shared\n' });
      assert.deepEqual(await read('alpha/src/shared.ts'), { text: 'alpha shared\n' });
      assert.deepEqual(await read('src/shared.ts'), {
        notSent: 'it is in several workspace folders (alpha/src/shared.ts, beta/src/shared.ts): name the folder first, e.g. alpha/src/shared.ts',
        problem: 'ambiguous',
      });
      assert.deepEqual(await read('src/none.ts'), { notSent: 'it could not be read: it is in none of the workspace folders (alpha, beta)', problem: 'unreadable' });
      assert.deepEqual(await read('beta/../alpha/../../outside/hostname'), { notSent: 'outside the workspace folders', problem: 'outside' });
    });

    it('the run goes to the repository of the files it references, not the first folder\u2019s; labels carry the folder name', async () => {
      assert.equal(await repositoryOfWorkspace(runner, [alpha, beta]), realpathSync(alpha), 'a request without files: the first folder (as before)');
      const { attachments, repository } = await readReferencedFiles<GitContext>([{ path: 'src/y.ts', startLine: 1 }, { path: path.join(beta, 'src', 'shared.ts') }], folders, { gitOf });
      assert.deepEqual(
        attachments.map((attachment) => attachment.label),
        ['beta/src/y.ts (line 1)', 'beta/src/shared.ts (whole file, line 1)'],
      );
      assert.equal(repository.kind, 'files');
      assert.ok(repository.kind === 'files');
      assert.equal(repository.folder, 'beta');
      assert.equal(repository.git?.rootPath, realpathSync(beta));
      assert.deepEqual(
        repository.git?.remotes?.map((remote) => remote.fetchUrl),
        ['https://github.com/acme/beta.git'],
      );
    });

    it('files of two repositories are refused with a message that says why and what to do', async () => {
      const { attachments, repository } = await readReferencedFiles<GitContext>([{ path: 'alpha/src/shared.ts' }, { path: 'src/y.ts' }], folders, { gitOf });
      assert.equal(attachments.length, 2);
      assert.equal(repository.kind, 'several');
      assert.ok(repository.kind === 'several');
      assert.match(repository.message, /^The files are in 2 repositories, alpha \(folder alpha\), beta \(folder beta\), and a run works on one repository: reference files of one repository only, or start one run for each\.$/);
    });

    it('files without a repository decide nothing: those of the one repository do', async () => {
      const plain = path.join(tempDir, 'plain');
      mkdirSync(plain);
      writeFileSync(path.join(plain, 'notes.md'), 'notes\n');
      folders.push({ name: 'plain', path: plain });
      const gitOfThree = async (file: string): Promise<GitContext | undefined> => {
        const root = await repositoryOfFile(runner, [alpha, beta, plain], file);
        return root === undefined ? undefined : sendingGitContext(await readRepositoryInfo(runner, root), root);
      };
      const { repository } = await readReferencedFiles<GitContext>([{ path: 'plain/notes.md' }, { path: 'alpha/src/only-alpha.ts' }], folders, { gitOf: gitOfThree });
      assert.ok(repository.kind === 'files');
      assert.equal(repository.git?.rootPath, realpathSync(alpha));
      const none = await readReferencedFiles<GitContext>([{ path: 'notes.md' }], folders, { gitOf: gitOfThree });
      assert.deepEqual(none.repository, { kind: 'files', git: undefined, folder: 'plain' });
      assert.deepEqual((await readReferencedFiles<GitContext>([], folders, { gitOf: gitOfThree })).repository, { kind: 'workspace' });
    });
  });
});
