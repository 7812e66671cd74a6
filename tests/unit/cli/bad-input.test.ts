import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'candlecast.js');
const HEADER = 'time,open,high,low,close,volume';
const good = (i: number) => `${1700000040000 + i * 60_000},100,101,99,100.5,10`;

/** The subcommands that read a candle CSV (SPEC §6). */
const COMMANDS = ['features', 'patterns', 'predict', 'insights'] as const;

const CASES: Array<[string, string | null, RegExp]> = [
  ['a missing file', null, /no such file/],
  ['an empty file', '', /:1: no candles: the input is empty/],
  ['a bad header', `date,o,h,l,c,v\n${good(0)}\n`, /:1: bad header/],
  ['a non-numeric value', `${HEADER}\n${good(0)}\n1700000100000,100,abc,99,100,1\n`, /:3: high "abc" is not a number/],
  [
    'a non-finite value',
    `${HEADER}\n${good(0)}\n1700000100000,100,101,99,100,Infinity\n`,
    /:3: volume "Infinity" is not a number/,
  ],
  ['high < low', `${HEADER}\n${good(0)}\n1700000100000,100,98,99,100,1\n`, /:3: high 98 < low 99/],
  ['unsorted times', `${HEADER}\n${good(1)}\n${good(0)}\n`, /:3: .*unsorted/],
  ['a duplicate time', `${HEADER}\n${good(0)}\n${good(0)}\n`, /:3: duplicate time/],
];

describe('candlecast bad input (SPEC §6): one line on stderr, exit 2, nothing written', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'candlecast-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const command of COMMANDS) {
    it.each(CASES)(`${command}: %s`, (name, content, message) => {
      const input = join(dir, `${command}-${name.replace(/\W+/g, '-')}.csv`);
      if (content !== null) writeFileSync(input, content);
      const out = join(dir, `${command}-${name.replace(/\W+/g, '-')}.out`);
      const run = spawnSync(process.execPath, [BIN, command, input, '--out', out], { encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`candlecast ${command}: ${input}`);
      expect(lines[0]).toMatch(message);
      expect(run.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('rejects unknown commands and options with exit 2', () => {
    const unknown = spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe('candlecast: unknown command "frobnicate"');
    const input = join(dir, 'ok.csv');
    writeFileSync(input, `${HEADER}\n${good(0)}\n`);
    const option = spawnSync(process.execPath, [BIN, 'patterns', input, '--bogus', '1'], { encoding: 'utf8' });
    expect(option.status).toBe(2);
    expect(option.stderr.trim()).toBe('candlecast patterns: unknown option --bogus');
  });

  it('lists every SPEC §6 command in --help', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const name of ['features', 'patterns', 'predict', 'insights', 'record', 'bench']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
  });
});
