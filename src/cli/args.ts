// Command-line arguments shared by every command: node:util's parseArgs with dendrite's own
// errors, negative numbers accepted after a space (`--lr -0.1`), and strict, finite numbers.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ArgumentError } from '../errors.js';

/** What parseArgs returns for `config` (its own inferred result type). */
export type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

// A value that reads as a number (or a non-finite spelling) and starts with '-'. parseArgs
// calls `--epochs -1` ambiguous, as '-1' might be an option; no option of ours looks like that.
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$|inf$|NaN$)/i;

/**
 * Parses `config.args` (strict) and turns every parse failure into an ArgumentError that names
 * the command `op`: unknown options (listing the known ones), missing values, stray arguments.
 */
export function parseCommandLine<T extends ParseArgsConfig>(op: string, config: T): Parsed<T> {
  const options = config.options ?? {};
  const args = [...(config.args ?? [])];
  for (let i = 0; i < args.length - 1; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (!a.startsWith('--') || a.includes('=')) continue;
    const spec = options[a.slice(2)];
    if (spec?.type === 'string' && NEGATIVE_NUMBER.test(args[i + 1]!)) {
      args.splice(i, 2, `${a}=${args[i + 1]!}`);
    }
  }
  try {
    return parseArgs({ ...config, args, strict: true }) as Parsed<T>;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (!err.code?.startsWith('ERR_PARSE_ARGS')) throw e;
    throw new ArgumentError(`${op}: ${describeParseError(err, options)}`);
  }
}

function describeParseError(err: NodeJS.ErrnoException, options: NonNullable<ParseArgsConfig['options']>): string {
  const known = Object.entries(options).map(([k, v]) => (v.type === 'string' ? `--${k} VALUE` : `--${k}`)).join(', ');
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${quoted}' (options: ${known})`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}' (options: ${known})`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted.split(' ')[0] ?? quoted;
      if (/argument missing/.test(err.message)) return `${name} needs a value`;
      if (/does not take an argument/.test(err.message)) return `${name} is a switch and takes no value`;
      return `${name}: ${err.message.split('\n')[0]}`;
    }
    default:
      return err.message.split('\n')[0]!;
  }
}

/** Range and kind a numeric option must satisfy. */
export interface NumberCheck {
  integer?: boolean;
  /** > 0 (message: "a positive integer/number"). */
  positive?: boolean;
  min?: number;
  max?: number;
  minExclusive?: number;
  maxExclusive?: number;
}

// Decimal and exponent forms only: Number() would also take '', ' ', '0x1f', '0b1' and 'Infinity'.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** `raw` as a finite number within `check`, else an ArgumentError naming `op`, `--name` and the text. */
export function parseNumber(op: string, name: string, raw: string, check: NumberCheck = {}): number {
  const kind = `${check.positive ? 'a positive ' : check.integer ? 'an ' : 'a '}${check.integer ? 'integer' : 'number'}`;
  const n = Number(raw);
  if (!DECIMAL.test(raw)) {
    const finiteOnly = /^[+-]?(inf|infinity|nan)$/i.test(raw.trim()) ? ' (a finite one)' : '';
    throw new ArgumentError(`${op}: --${name} must be ${kind}${finiteOnly}, got '${raw}'`);
  }
  if (!Number.isFinite(n)) throw new ArgumentError(`${op}: --${name} must be ${kind} (a finite one), got '${raw}'`);
  if (check.integer && !Number.isInteger(n)) throw new ArgumentError(`${op}: --${name} must be ${kind}, got '${raw}'`);
  if (check.positive && !(n > 0)) throw new ArgumentError(`${op}: --${name} must be ${kind}, got '${raw}'`);
  if (check.min !== undefined && n < check.min) throw new ArgumentError(`${op}: --${name} must be >= ${check.min}, got ${raw}`);
  if (check.max !== undefined && n > check.max) throw new ArgumentError(`${op}: --${name} must be <= ${check.max}, got ${raw}`);
  if (check.minExclusive !== undefined && !(n > check.minExclusive)) throw new ArgumentError(`${op}: --${name} must be > ${check.minExclusive}, got ${raw}`);
  if (check.maxExclusive !== undefined && !(n < check.maxExclusive)) throw new ArgumentError(`${op}: --${name} must be < ${check.maxExclusive}, got ${raw}`);
  return n;
}

/** The option's number, or `def` when it was not given. */
export function numberOption<D extends number | null>(op: string, name: string, raw: string | undefined, def: D, check: NumberCheck = {}): number | D {
  return raw === undefined ? def : parseNumber(op, name, raw, check);
}

/** A comma-separated list of numbers (`--band 4,38`), each checked like parseNumber. */
export function numberList(op: string, name: string, raw: string, check: NumberCheck = {}): number[] {
  return raw.split(',').map((s) => parseNumber(op, name, s, check));
}
