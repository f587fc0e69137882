import * as assert from 'node:assert/strict';
import {
  BUILT_IN_TEMPLATES,
  REQUEST_PLACEHOLDER,
  applyTemplate,
  mergeTemplates,
  MAX_USER_TEMPLATES,
  type PromptTemplate,
} from '../../src/context/templates';
import { PromptHistory, DEFAULT_HISTORY_ENTRIES, type HistoryStorage } from '../../src/context/history';
import { imageToDataUri, detectImageType, formatBytes, ImageAttachmentError } from '../../src/context/images';

describe('prompt templates', () => {
  it('has the five built-in templates with unique ids, each taking the request', () => {
    assert.deepEqual(
      BUILT_IN_TEMPLATES.map((t) => t.id),
      ['implement', 'fix-problems', 'write-tests', 'refactor', 'review'],
    );
    for (const t of BUILT_IN_TEMPLATES) {
      assert.ok(t.text.includes(REQUEST_PLACEHOLDER), t.id);
      assert.equal(t.builtIn, true);
      assert.ok(t.label.trim() !== '');
    }
  });

  describe('applyTemplate', () => {
    it('puts the request where the placeholder is', () => {
      assert.equal(applyTemplate({ text: 'Do this: {request}. Thanks' }, '  add caching '), 'Do this: add caching. Thanks');
      assert.equal(applyTemplate({ text: '{request} / {request}' }, 'x'), 'x / x');
    });

    it('treats a template without the placeholder as a prefix', () => {
      assert.equal(applyTemplate({ text: 'Review carefully.' }, 'Focus on errors'), 'Review carefully.\n\nFocus on errors');
      assert.equal(applyTemplate({ text: 'Review carefully.  ' }, '   '), 'Review carefully.');
    });

    it('keeps dollar patterns in the request literal', () => {
      assert.equal(applyTemplate({ text: 'Fix: {request}' }, "use $& and $1 and $'"), "Fix: use $& and $1 and $'");
    });

    it('leaves just the template text when the request is empty', () => {
      const implement = BUILT_IN_TEMPLATES[0]!;
      assert.equal(applyTemplate(implement, ''), implement.text.replace(REQUEST_PLACEHOLDER, '').trim());
    });
  });

  describe('mergeTemplates', () => {
    it('returns the built-ins when the setting is missing', () => {
      for (const missing of [undefined, null]) {
        const merged = mergeTemplates(BUILT_IN_TEMPLATES, missing);
        assert.deepEqual(merged.templates, [...BUILT_IN_TEMPLATES]);
        assert.deepEqual(merged.problems, []);
      }
    });

    it('ignores a setting that is not a list, with a reason', () => {
      const merged = mergeTemplates(BUILT_IN_TEMPLATES, { label: 'x', prompt: 'y' });
      assert.equal(merged.templates.length, BUILT_IN_TEMPLATES.length);
      assert.deepEqual(merged.problems, ['The prompt templates setting must be a list of {"label", "prompt"} objects; it was ignored.']);
    });

    it('appends valid user templates and drops invalid ones, each with a reason', () => {
      const merged = mergeTemplates(BUILT_IN_TEMPLATES, [
        { label: 'Add docs', prompt: 'Document the code below. {request}' },
        'just a string',
        { label: '', prompt: 'x' },
        { label: 'No prompt' },
        { label: 'Blank prompt', prompt: '   ' },
        { label: 'x'.repeat(81), prompt: 'y' },
        { label: 'Huge', prompt: 'p'.repeat(20_001) },
        { label: '  add   DOCS ', prompt: 'duplicate label' },
        { label: 'Translate', prompt: 'Translate comments to English', extra: true },
        [1, 2],
      ]);
      assert.deepEqual(
        merged.templates.slice(BUILT_IN_TEMPLATES.length),
        [
          { id: 'user:add-docs', label: 'Add docs', text: 'Document the code below. {request}', builtIn: false },
          { id: 'user:translate', label: 'Translate', text: 'Translate comments to English', builtIn: false },
        ],
      );
      assert.deepEqual(merged.problems, [
        'Prompt template 2 was dropped: it must be an object with "label" and "prompt".',
        'Prompt template 3 was dropped: "label" must be a non-empty string.',
        'Prompt template 4 ("No prompt") was dropped: "prompt" must be a non-empty string.',
        'Prompt template 5 ("Blank prompt") was dropped: "prompt" must be a non-empty string.',
        `Prompt template 6 ("${'x'.repeat(80)}") was dropped: "label" is longer than 80 characters.`,
        'Prompt template 7 ("Huge") was dropped: "prompt" is longer than 20000 characters.',
        'Prompt template 8 ("add DOCS") was dropped: an earlier template has the same label.',
        'Prompt template 10 was dropped: it must be an object with "label" and "prompt".',
      ]);
    });

    it('lets a user template replace the built-in one with the same label, in place', () => {
      const merged = mergeTemplates(BUILT_IN_TEMPLATES, [{ label: 'review', prompt: 'Review for security only: {request}' }]);
      assert.equal(merged.templates.length, BUILT_IN_TEMPLATES.length);
      const review = merged.templates[4]!;
      assert.deepEqual(review, { id: 'user:review', label: 'review', text: 'Review for security only: {request}', builtIn: false });
      assert.equal(BUILT_IN_TEMPLATES[4]!.text.startsWith('Review the code below'), true, 'the built-in list is not modified');
    });

    it('keeps ids unique when labels differ only in punctuation', () => {
      const merged = mergeTemplates([], [
        { label: 'Fix it!', prompt: 'a' },
        { label: 'Fix it?', prompt: 'b' },
        { label: '!!!', prompt: 'c' },
      ]);
      const ids = merged.templates.map((t: PromptTemplate) => t.id);
      assert.deepEqual(ids, ['user:fix-it', 'user:fix-it-2', 'user:template']);
    });

    it(`uses at most ${MAX_USER_TEMPLATES} user templates`, () => {
      const many = Array.from({ length: MAX_USER_TEMPLATES + 5 }, (_, i) => ({ label: `T${i}`, prompt: 'p' }));
      const merged = mergeTemplates([], many);
      assert.equal(merged.templates.length, MAX_USER_TEMPLATES);
      assert.deepEqual(merged.problems, [`Only the first ${MAX_USER_TEMPLATES} of ${MAX_USER_TEMPLATES + 5} prompt templates are used.`]);
    });
  });
});

/** In-memory storage; `async` makes set() return a promise like globalState.update. */
class MemoryStorage implements HistoryStorage {
  value: unknown;
  writes = 0;
  constructor(
    initial: unknown = undefined,
    private readonly async = false,
  ) {
    this.value = initial;
  }
  get(): unknown {
    return this.value;
  }
  set(entries: string[]): Promise<void> | void {
    this.writes++;
    if (this.async) {
      return Promise.resolve().then(() => {
        this.value = entries;
      });
    }
    this.value = entries;
  }
}

describe('PromptHistory', () => {
  it('keeps requests most recent first, trimmed, without duplicates', async () => {
    const storage = new MemoryStorage();
    const history = new PromptHistory(storage);
    assert.equal(await history.add('first'), true);
    await history.add('  second \n');
    await history.add('first');
    assert.deepEqual(history.entries(), ['first', 'second']);
    assert.deepEqual(storage.value, ['first', 'second']);
  });

  it(`keeps at most ${DEFAULT_HISTORY_ENTRIES} requests`, async () => {
    const history = new PromptHistory(new MemoryStorage());
    for (let i = 1; i <= 25; i++) await history.add(`request ${i}`);
    const entries = history.entries();
    assert.equal(entries.length, DEFAULT_HISTORY_ENTRIES);
    assert.equal(entries[0], 'request 25');
    assert.equal(entries[entries.length - 1], 'request 6');
  });

  it('never stores empty or over-long requests', async () => {
    const storage = new MemoryStorage();
    const history = new PromptHistory(storage, { maxPromptChars: 100 });
    assert.equal(await history.add('   '), false);
    assert.equal(await history.add('x'.repeat(101)), false);
    assert.equal(storage.writes, 0);
    assert.equal(await history.add('x'.repeat(100)), true);
    assert.deepEqual(history.entries(), ['x'.repeat(100)]);
  });

  it('reads malformed stored state safely', () => {
    assert.deepEqual(new PromptHistory(new MemoryStorage({ not: 'a list' })).entries(), []);
    assert.deepEqual(new PromptHistory(new MemoryStorage(undefined)).entries(), []);
    const mixed = new MemoryStorage(['ok', 42, null, 'ok', '', 'fine', { x: 1 }]);
    assert.deepEqual(new PromptHistory(mixed).entries(), ['ok', 'fine']);
    const tooMany = new MemoryStorage(Array.from({ length: 30 }, (_, i) => `r${i}`));
    assert.equal(new PromptHistory(tooMany, { maxEntries: 5 }).entries().length, 5);
  });

  it('removes one request and clears all, with asynchronous storage', async () => {
    const storage = new MemoryStorage(undefined, true);
    const history = new PromptHistory(storage);
    await history.add('a');
    await history.add('b');
    await history.add('c');
    await history.remove('b');
    assert.deepEqual(history.entries(), ['c', 'a']);
    const writes = storage.writes;
    await history.remove('not there');
    assert.equal(storage.writes, writes, 'nothing to remove, nothing written');
    await history.clear();
    assert.deepEqual(history.entries(), []);
  });
});

describe('images', () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
  const gif = Uint8Array.from([...Buffer.from('GIF89a'), 1, 0, 1, 0]);
  const gif87 = Uint8Array.from([...Buffer.from('GIF87a'), 1, 0, 1, 0]);
  const webp = Uint8Array.from([...Buffer.from('RIFF'), 36, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]);

  it('detects PNG, JPEG, GIF and WebP by their bytes', () => {
    assert.equal(detectImageType(png), 'image/png');
    assert.equal(detectImageType(jpeg), 'image/jpeg');
    assert.equal(detectImageType(gif), 'image/gif');
    assert.equal(detectImageType(gif87), 'image/gif');
    assert.equal(detectImageType(webp), 'image/webp');
    assert.equal(detectImageType(Uint8Array.from([...Buffer.from('RIFF'), 36, 0, 0, 0, ...Buffer.from('WAVE')])), undefined);
    assert.equal(detectImageType(Uint8Array.from([0x89, 0x50])), undefined);
  });

  it('builds a base64 data URI whose bytes round-trip', () => {
    const uri = imageToDataUri('shot.png', png, 1024);
    assert.ok(uri.startsWith('data:image/png;base64,'));
    assert.deepEqual(Uint8Array.from(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64')), png);
    assert.ok(imageToDataUri('photo.jpg', jpeg, 1024).startsWith('data:image/jpeg;base64,'));
    assert.ok(imageToDataUri('anim.gif', gif, 1024).startsWith('data:image/gif;base64,'));
    assert.ok(imageToDataUri('pic.webp', webp, 1024).startsWith('data:image/webp;base64,'));
  });

  it('encodes only the viewed bytes of a Uint8Array that is a slice of a bigger buffer', () => {
    const backing = new Uint8Array(64).fill(7);
    backing.set(png, 10);
    const view = backing.subarray(10, 10 + png.length);
    const uri = imageToDataUri('shot.png', view, 1024);
    assert.equal(uri, `data:image/png;base64,${Buffer.from(png).toString('base64')}`);
  });

  it('trusts the bytes over the file name', () => {
    assert.ok(imageToDataUri('actually-a-jpeg.png', jpeg, 1024).startsWith('data:image/jpeg;base64,'));
    assert.throws(
      () => imageToDataUri('not-really.png', Uint8Array.from(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')), 1024),
      (e: unknown) => e instanceof ImageAttachmentError && e.reason === 'unsupported' && e.message === 'not-really.png is not a PNG, JPEG, GIF or WebP image.',
    );
  });

  it('refuses SVG and other files with a clear message', () => {
    assert.throws(
      () => imageToDataUri('/home/me/diagram.svg', Uint8Array.from(Buffer.from('<svg></svg>')), 1024),
      (e: unknown) => e instanceof ImageAttachmentError && e.reason === 'unsupported' && e.message.startsWith('diagram.svg is not'),
    );
  });

  it('refuses images over the limit, with both sizes in the message', () => {
    const big = new Uint8Array(6 * 1024 * 1024 + 300 * 1024);
    big.set(png);
    assert.throws(
      () => imageToDataUri('C:\\shots\\big.png', big, 5 * 1024 * 1024),
      (e: unknown) =>
        e instanceof ImageAttachmentError && e.reason === 'too-large' && e.message === 'big.png is 6.3 MB; images can be at most 5.0 MB.',
    );
    const atLimit = new Uint8Array(2048);
    atLimit.set(png);
    assert.ok(imageToDataUri('ok.png', atLimit, 2048).startsWith('data:image/png;base64,'));
  });

  it('refuses an empty file', () => {
    assert.throws(
      () => imageToDataUri('empty.png', new Uint8Array(0), 1024),
      (e: unknown) => e instanceof ImageAttachmentError && e.reason === 'empty' && e.message === 'empty.png is empty.',
    );
  });

  it('formats sizes for people', () => {
    assert.equal(formatBytes(1), '1 byte');
    assert.equal(formatBytes(900), '900 bytes');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MB');
    assert.equal(formatBytes(300 * 1024 * 1024), '300 MB');
  });
});
