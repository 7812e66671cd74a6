import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cli, csvOf, HEADER, noStack, walk } from '../../helpers/cli';

/** Issue #15: --out never destroys, strict input, one-line messages, quiet end on a closed pipe. */
describe('candlecast file safety and strict input (#15)', () => {
  let dir: string;
  let input: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'candlecast-safety-'));
    input = join(dir, 'in.csv');
    writeFileSync(input, csvOf(walk(2500)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--out onto the input (directly or through a symlink) is refused with exit 2 and the input unchanged', () => {
    const before = readFileSync(input, 'utf8');
    const link = join(dir, 'link-to-input.csv');
    symlinkSync(input, link);
    for (const out of [input, link, join(dir, '.', 'in.csv')]) {
      const run = cli(['features', input, '--out', out]);
      expect(run.status).toBe(2);
      expect(run.stderr.trim()).toMatch(/is the input file .*refusing to overwrite it$/);
    }
    expect(readFileSync(input, 'utf8')).toBe(before);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('a symlink at --out is followed: the link stays, its target is replaced', () => {
    const target = join(dir, 'target.csv');
    writeFileSync(target, 'old');
    const link = join(dir, 'out-link.csv');
    symlinkSync(target, link);
    expect(cli(['features', input, '--out', link]).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8').startsWith('time,ret_1,')).toBe(true);
  });

  it('a named pipe at --out is written into, not replaced; "-" is stdout', async () => {
    const fifo = join(dir, 'out.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // The reader writes to a file: a spawnSync below blocks this process, which must not be the one reading.
    const captured = join(dir, 'from-fifo.csv');
    const reader = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', fifo, captured]);
    const done = new Promise((ok) => reader.on('close', ok));
    const run = cli(['features', input, '--out', fifo]);
    await done;
    const got = readFileSync(captured, 'utf8');
    expect(run.status).toBe(0);
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(got.split('\n').length).toBe(2502);
    expect(cli(['features', input, '--out', '-']).stdout).toBe(got);
  });

  it('10-digit epoch seconds are converted with a note on stderr', () => {
    const seconds = join(dir, 'seconds.csv');
    writeFileSync(seconds, `${HEADER}\n1700000040,100,101,99,100.5,10\n1700000100,100.5,101,99,100,12\n`);
    const run = cli(['features', seconds]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/note: .*epoch seconds/);
    expect(run.stdout.split('\n')[1]!.split(',')[0]).toBe('1700000040000');
  });

  const CASES: Array<[string, string, RegExp]> = [
    [
      'an impossible date',
      `${HEADER}\n2023-02-28T23:59:00Z,1,1,1,1,1\n2023-02-29T00:00:00Z,1,1,1,1,1\n`,
      /:3: time "2023-02-29T00:00:00Z" is not a real date \(2023-02 has 28 days\)/,
    ],
    ['February 30', `${HEADER}\n2024-02-30 00:00,1,1,1,1,1\n`, /:2: .*not a real date \(2024-02 has 29 days\)/],
    [
      '1e308 in a price',
      `${HEADER}\n1700000040000,100,101,99,100,1\n1700000100000,100,1e308,99,100,1\n`,
      /:3: high 1e\+308 is out of range/,
    ],
    [
      'seconds then milliseconds',
      `${HEADER}\n1700000040,1,1,1,1,1\n1700000100000,1,1,1,1,1\n`,
      /:3: time 1700000100000 is in milliseconds but earlier times were epoch seconds/,
    ],
  ];
  it.each(CASES)('%s: one line, exit 2', (name, content, message) => {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.csv`);
    writeFileSync(file, content);
    const run = cli(['features', file, '--out', join(dir, 'never.csv')]);
    expect(run.status).toBe(2);
    // one error line (after the note about epoch seconds, where there is one)
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => !l.startsWith('candlecast: note:'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(message);
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
  });

  it('a large finite spike does not blank later rows', () => {
    const candles = walk(1200, 21);
    const spiked = candles.map((c) => ({ ...c }));
    spiked[150]!.high = 1e12;
    spiked[150]!.volume = 1e15;
    const a = join(dir, 'plain.csv');
    const b = join(dir, 'spiked.csv');
    writeFileSync(a, csvOf(candles));
    writeFileSync(b, csvOf(spiked));
    const empties = (text: string): number[] =>
      text
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',').filter((cell) => cell === '').length);
    const plain = empties(cli(['features', a]).stdout);
    const withSpike = empties(cli(['features', b]).stdout);
    expect(withSpike.slice(600)).toEqual(plain.slice(600));
    expect(Math.max(...withSpike.slice(600))).toBe(Math.max(...plain.slice(600)));
  });

  it('control characters and huge lines come back escaped in one short line; a CR-only file reads', () => {
    const ugly = join(dir, 'ugly.csv');
    writeFileSync(ugly, `time,open\u001b[31m,high\u0000,${'x'.repeat(2_000_000)}\n1,2,3\n`);
    const run = cli(['features', ugly]);
    expect(run.status).toBe(2);
    const line = run.stderr.trimEnd();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('\\x1b[31m');
    expect(line).toContain('\\x00');
    expect([...line].some((ch) => ch.charCodeAt(0) < 32)).toBe(false);
    expect(line.length).toBeLessThanOrEqual(320);
    const cr = join(dir, 'cr.csv');
    writeFileSync(cr, csvOf(walk(30)).replace(/\n/g, '\r'));
    const ok = cli(['features', cr]);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trimEnd().split('\n')).toHaveLength(31);
  });

  for (const command of ['features', 'patterns', 'predict', 'insights']) {
    it(`${command} | head: a closed stdout ends quietly`, () => {
      const run = spawnSync(
        'bash',
        ['-c', `"${process.execPath}" "${BIN}" ${command} "${input}" | head -c 100 >/dev/null; exit \${PIPESTATUS[0]}`],
        { encoding: 'utf8' },
      );
      expect([0, 141]).toContain(run.status);
      expect(noStack(run.stderr)).toBe(true);
      expect(run.stderr).toBe('');
    });
  }
});
