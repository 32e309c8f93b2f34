#!/usr/bin/env node
// scripts/solc-expectations/generate.mjs - writes the reference results of `trainchain exec --script`
// files (docs/scripting.md): compiles each script's sources with solc 0.8.26 (solc-js), once without
// and once with the optimizer, runs the steps on @ethereumjs/vm (@ethereumjs/evm) on a fresh state for
// each build, and writes every step's `expect` (status, output or revert, events, address) and
// `reference` (gas used and code sizes per build) back into the script, keeping what the author wrote.
//
// Usage: node generate.mjs FILE.json [FILE.json...]
// Exit status: 0 when every file was written, 2 for a bad script or a compile error, 1 when the two
// builds behave differently or an expectation the author wrote disagrees with the reference run.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { createBlock } from '@ethereumjs/block';
import { createCustomCommon, Mainnet } from '@ethereumjs/common';
import { createLegacyTx } from '@ethereumjs/tx';
import { Account, bytesToHex, createAddressFromString } from '@ethereumjs/util';
import { createVM, runTx } from '@ethereumjs/vm';
import { AbiCoder, ErrorFragment, EventFragment, FunctionFragment, Interface, ParamType, keccak256 } from 'ethers';

const require = createRequire(import.meta.url);
const solc = require('solc');

const SOLC_VERSION = '0.8.26';
const DEFAULT_BALANCE = 10n ** 24n;
const DEFAULT_GAS = 30_000_000n;
/** Block values before any step sets them (docs/scripting.md, "Steps"). */
const DEFAULT_BLOCK = {
  number: 1n, timestamp: 1n, coinbase: '0x' + '00'.repeat(20), gas_limit: 30_000_000n,
  prevrandao: 0n, base_fee: 0n, chain_id: 1n,
};
/** The optimizer settings of the two builds: solc without and with --optimize. */
const BUILDS = [
  { label: 'O0', optimizer: { enabled: false, runs: 200 } },
  { label: 'O1', optimizer: { enabled: true, runs: 200 } },
];
/** trainchain's fork names (case-insensitive) -> [ethereumjs hardfork, solc evmVersion]. */
const FORKS = {
  frontier: ['chainstart', 'homestead'],
  homestead: ['homestead', 'homestead'],
  tangerinewhistle: ['tangerineWhistle', 'tangerineWhistle'],
  spuriousdragon: ['spuriousDragon', 'spuriousDragon'],
  byzantium: ['byzantium', 'byzantium'],
  constantinople: ['constantinople', 'constantinople'],
  petersburg: ['petersburg', 'petersburg'],
  istanbul: ['istanbul', 'istanbul'],
  berlin: ['berlin', 'berlin'],
  london: ['london', 'london'],
  paris: ['paris', 'paris'],
  shanghai: ['shanghai', 'shanghai'],
  cancun: ['cancun', 'cancun'],
};
const POST_LONDON = new Set(['london', 'paris', 'shanghai', 'cancun']);
const POST_MERGE = new Set(['paris', 'shanghai', 'cancun']);

/** A bad script or source: exit 2. */
class InputError extends Error {}
/** The reference run disagrees with itself or with the author: exit 1. */
class MismatchError extends Error {}

// ---------------------------------------------------------------------------------------------
// JSON that keeps numbers exactly as written (a JSON number may exceed 2^53).

/** A JSON number, kept as its source text. */
class JsonNumber {
  constructor(text) { this.text = text; }
}

/** Parses JSON text; numbers become JsonNumber, duplicate keys are an error. */
function parseJson(text, file) {
  let i = 0;
  const where = () => {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    const col = i - before.lastIndexOf('\n');
    return `${file}:${line}:${col}`;
  };
  const fail = (msg) => { throw new InputError(`${where()}: error: ${msg}`); };
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const value = () => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = {};
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key string');
        const key = string();
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`duplicate key "${key}"`);
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        obj[key] = value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0].length > 0) { i += m[0].length; return new JsonNumber(m[0]); }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]])
      if (text.startsWith(word, i)) { i += word.length; return v; }
    return fail('expected a JSON value');
  };
  const string = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) { i = start; fail('unterminated string'); }
    i++;
    try { return JSON.parse(text.slice(start, i)); } catch { i = start; return fail('invalid string'); }
  };
  const v = value();
  ws();
  if (i !== text.length) fail('unexpected text after the JSON value');
  return v;
}

/** Formats a value: an object or array on one line when that fits in 100 columns (with `lead`
 * characters before it on the line after `indent`), else one entry per line. */
function formatJson(v, indent = '', lead = 0) {
  const flat = (x) => {
    if (x instanceof JsonNumber) return x.text;
    if (Array.isArray(x)) return '[' + x.map(flat).join(', ') + ']';
    if (x !== null && typeof x === 'object')
      return '{' + Object.entries(x).map(([k, y]) => JSON.stringify(k) + ': ' + flat(y)).join(', ') + '}';
    return JSON.stringify(x);
  };
  const one = flat(v);
  if (v === null || typeof v !== 'object' || v instanceof JsonNumber || indent.length + lead + one.length <= 100) return one;
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[\n' + v.map((x) => inner + formatJson(x, inner)).join(',\n') + '\n' + indent + ']';
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  return '{\n' + entries.map(([k, x]) => inner + JSON.stringify(k) + ': ' + formatJson(x, inner, JSON.stringify(k).length + 2)).join(',\n') + '\n' + indent + '}';
}

/** Formats a whole script: one top-level key per line and one step per entry of "steps". */
function formatScript(script) {
  const entries = Object.entries(script).map(([key, v]) => {
    const k = '  ' + JSON.stringify(key) + ': ';
    if (key === 'steps' && Array.isArray(v))
      return k + (v.length === 0 ? '[]' : '[\n' + v.map((s) => '    ' + formatJson(s, '    ')).join(',\n') + '\n  ]');
    return k + formatJson(v, '  ', JSON.stringify(key).length + 2);
  });
  return '{\n' + entries.join(',\n') + '\n}\n';
}

/** Returns `obj` with `order`'s keys first (those present), then the others in their original order. */
function ordered(obj, order) {
  const out = {};
  for (const k of order) if (obj[k] !== undefined) out[k] = obj[k];
  for (const [k, v] of Object.entries(obj)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values of a script.

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber);

/** An integer from a JSON number or a decimal / 0x-hex string. */
function toBigInt(v, what) {
  let text;
  if (v instanceof JsonNumber) text = v.text;
  else if (typeof v === 'string') text = v.trim();
  else throw new InputError(`${what}: expected a number, got ${JSON.stringify(v)}`);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return BigInt(text);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new InputError(`${what}: '${text}' is not an integer`);
  let digits = m[2] + (m[3] ?? '');
  let exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  if (exp < 0) {
    const cut = digits.slice(digits.length + exp);
    if (!/^0*$/.test(cut)) throw new InputError(`${what}: '${text}' is not an integer`);
    digits = digits.slice(0, digits.length + exp) || '0';
    exp = 0;
  }
  const n = BigInt(digits) * 10n ** BigInt(exp);
  return m[1] === '-' ? -n : n;
}

function toHexBytes(v, what) {
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v))
    throw new InputError(`${what}: expected 0x-prefixed hex bytes, got ${JSON.stringify(v instanceof JsonNumber ? v.text : v)}`);
  return v.toLowerCase();
}

const keccakHex = (bytes) => keccak256(bytes);

// ---------------------------------------------------------------------------------------------
// Compilation: solc-js standard JSON with the CLI's --base-path / --include-path file reading.

/** The source unit name the CLI gives to a file named on its command line. */
function sourceUnitName(abs, basePath, includePaths) {
  for (const root of [basePath, ...includePaths]) {
    const rel = path.relative(root, abs);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return abs.split(path.sep).join('/');
}

function compile(script, build) {
  const sources = {};
  for (const abs of script.sourceFiles) {
    const name = sourceUnitName(abs, script.basePath, script.includePaths);
    sources[name] = { content: fs.readFileSync(abs, 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: build.optimizer,
      evmVersion: script.evmVersion,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.bytecode.linkReferences', 'evm.deployedBytecode.object'] } },
    },
  };
  // solc resolves ./ and ../ against the importing unit's name itself; the callback reads a unit
  // name as the CLI does: an absolute name directly, else under the base path, then the include paths.
  const findImport = (name) => {
    if (path.isAbsolute(name)) {
      return fs.existsSync(name) ? { contents: fs.readFileSync(name, 'utf8') } : { error: `File not found: ${name}` };
    }
    const hits = [script.basePath, ...script.includePaths].map((root) => path.join(root, name)).filter((p) => fs.existsSync(p) && fs.statSync(p).isFile());
    if (hits.length === 0) return { error: `File not found. Searched the base path and the include paths (${[script.basePath, ...script.includePaths].join(', ')}).` };
    if (hits.length > 1) return { error: `Ambiguous import. Multiple matching files found: ${hits.join(', ')}` };
    return { contents: fs.readFileSync(hits[0], 'utf8') };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0)
    throw new InputError(`${script.file}: error: compiling the sources with solc ${SOLC_VERSION} (${build.label}) failed:\n` + errors.map((e) => e.formattedMessage.trimEnd()).join('\n'));
  if (build.label === 'O0') for (const w of output.errors ?? []) process.stderr.write(w.formattedMessage.trimEnd() + '\n');
  const contracts = [];
  for (const [unit, byName] of Object.entries(output.contracts ?? {}))
    for (const [name, c] of Object.entries(byName))
      contracts.push({ unit, name, abi: c.abi, bytecode: c.evm.bytecode.object, linkReferences: c.evm.bytecode.linkReferences });
  return contracts;
}

function findContract(contracts, wanted, where) {
  const [unit, name] = wanted.includes(':') ? [wanted.slice(0, wanted.lastIndexOf(':')), wanted.slice(wanted.lastIndexOf(':') + 1)] : [null, wanted];
  const hits = contracts.filter((c) => c.name === name && (unit === null || c.unit === unit));
  if (hits.length === 0) throw new InputError(`${where}: no contract named '${wanted}' in the compiled sources (${contracts.map((c) => c.name).join(', ')})`);
  if (hits.length > 1) throw new InputError(`${where}: '${wanted}' is ambiguous (${hits.map((c) => c.unit + ':' + c.name).join(', ')}); write 'File.sol:Name'`);
  const c = hits[0];
  if (Object.keys(c.linkReferences ?? {}).length > 0) throw new InputError(`${where}: '${wanted}' needs linked libraries, which scripts do not support`);
  if (c.bytecode.length === 0) throw new InputError(`${where}: '${wanted}' is abstract or an interface and cannot be deployed`);
  return c;
}

// ---------------------------------------------------------------------------------------------
// Loading and checking a script.

const STEP_KEYS = ['description', 'deploy', 'call', 'as', 'function', 'args', 'calldata', 'from', 'value', 'gas', 'block', 'expect', 'reference'];
const EXPECT_KEYS = ['status', 'returns', 'output', 'revert', 'events', 'balances', 'gas_used', 'address'];
const TOP_KEYS = ['description', 'sources', 'base_path', 'include_paths', 'fork', 'accounts', 'block', 'steps'];
const BLOCK_KEYS = ['number', 'timestamp', 'coinbase', 'gas_limit', 'prevrandao', 'base_fee', 'chain_id'];

function loadScript(file) {
  const text = fs.readFileSync(file, 'utf8');
  const json = parseJson(text, file);
  if (!isObject(json)) throw new InputError(`${file}: error: a script is a JSON object`);
  const dir = path.dirname(path.resolve(file));
  const str = (v, what) => {
    if (typeof v !== 'string' || v === '') throw new InputError(`${file}: error: ${what} must be a non-empty string`);
    return v;
  };
  if (!Array.isArray(json.sources) || json.sources.length === 0) throw new InputError(`${file}: error: "sources" must be a non-empty array of file names`);
  const sourceFiles = json.sources.map((s, k) => {
    const abs = path.resolve(dir, str(s, `sources[${k}]`));
    if (!fs.existsSync(abs)) throw new InputError(`${file}: error: sources[${k}]: no file ${abs}`);
    return abs;
  });
  const basePath = path.resolve(dir, json.base_path === undefined ? '.' : str(json.base_path, '"base_path"'));
  if (json.include_paths !== undefined && !Array.isArray(json.include_paths)) throw new InputError(`${file}: error: "include_paths" must be an array`);
  const includePaths = (json.include_paths ?? []).map((p, k) => path.resolve(dir, str(p, `include_paths[${k}]`)));
  const forkName = json.fork === undefined ? 'cancun' : str(json.fork, '"fork"').toLowerCase();
  if (!FORKS[forkName]) throw new InputError(`${file}: error: "fork": unknown fork '${json.fork}' (${Object.keys(FORKS).join(', ')})`);
  const [hardfork, evmVersion] = FORKS[forkName];

  const accounts = new Map();
  if (json.accounts !== undefined && !isObject(json.accounts)) throw new InputError(`${file}: error: "accounts" must be an object`);
  for (const [name, a] of Object.entries(json.accounts ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new InputError(`${file}: error: accounts: '${name}' is not a valid account name`);
    if (!isObject(a)) throw new InputError(`${file}: error: accounts.${name} must be an object`);
    for (const k of Object.keys(a)) if (!['address', 'balance'].includes(k)) throw new InputError(`${file}: error: accounts.${name}: unknown key "${k}"`);
    let address;
    if (a.address !== undefined) {
      if (typeof a.address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(a.address)) throw new InputError(`${file}: error: accounts.${name}.address must be 0x and 40 hex digits`);
      address = a.address.toLowerCase();
    } else {
      address = '0x' + keccakHex(new TextEncoder().encode('trainchain/account/' + name)).slice(-40);
    }
    const balance = a.balance === undefined ? DEFAULT_BALANCE : toBigInt(a.balance, `${file}: error: accounts.${name}.balance`);
    if (balance < 0n) throw new InputError(`${file}: error: accounts.${name}.balance is negative`);
    accounts.set(name, { address, balance });
  }
  if (!Array.isArray(json.steps)) throw new InputError(`${file}: error: "steps" must be an array`);
  json.steps.forEach((s, k) => {
    const where = `${file}: error: steps[${k}]`;
    if (!isObject(s)) throw new InputError(`${where} must be an object`);
    for (const key of Object.keys(s)) if (!STEP_KEYS.includes(key)) throw new InputError(`${where}: unknown key "${key}"`);
    if ((s.deploy === undefined) === (s.call === undefined)) throw new InputError(`${where}: a step has exactly one of "deploy" and "call"`);
    if (s.deploy !== undefined && (s.function !== undefined || s.calldata !== undefined)) throw new InputError(`${where}: a deploy takes "args", not "function" or "calldata"`);
    if (s.call !== undefined && (s.function === undefined) === (s.calldata === undefined)) throw new InputError(`${where}: a call has "function" (with "args") or "calldata"`);
    if (s.calldata !== undefined && s.args !== undefined) throw new InputError(`${where}: "calldata" replaces "args"`);
    if (s.args !== undefined && !Array.isArray(s.args)) throw new InputError(`${where}: "args" must be an array`);
    if (s.as !== undefined && s.deploy === undefined) throw new InputError(`${where}: "as" names a deployed contract; this step is a call`);
    if (s.block !== undefined) {
      if (!isObject(s.block)) throw new InputError(`${where}: "block" must be an object`);
      for (const b of Object.keys(s.block)) if (!BLOCK_KEYS.includes(b)) throw new InputError(`${where}: block: unknown key "${b}"`);
    }
    if (s.expect !== undefined && !isObject(s.expect)) throw new InputError(`${where}: "expect" must be an object`);
  });
  if (json.block !== undefined) {
    if (!isObject(json.block)) throw new InputError(`${file}: error: "block" must be an object`);
    for (const b of Object.keys(json.block)) if (!BLOCK_KEYS.includes(b)) throw new InputError(`${file}: error: block: unknown key "${b}"`);
  }
  return { file, json, dir, sourceFiles, basePath, includePaths, hardfork, evmVersion, accounts };
}

// ---------------------------------------------------------------------------------------------
// Running the steps.

/** Converts a script value to what ethers' coder takes for `type` (a ParamType). */
function toAbiValue(type, v, names, what) {
  if (type.baseType === 'array') {
    if (!Array.isArray(v)) throw new InputError(`${what}: expected an array for ${type.format()}`);
    if (type.arrayLength >= 0 && v.length !== type.arrayLength) throw new InputError(`${what}: expected ${type.arrayLength} elements for ${type.format()}, got ${v.length}`);
    return v.map((x, k) => toAbiValue(type.arrayChildren, x, names, `${what}[${k}]`));
  }
  if (type.baseType === 'tuple') {
    if (!Array.isArray(v) || v.length !== type.components.length) throw new InputError(`${what}: expected an array of ${type.components.length} values for ${type.format()}`);
    return v.map((x, k) => toAbiValue(type.components[k], x, names, `${what}[${k}]`));
  }
  const t = type.type;
  if (t === 'address') return resolveAddress(v, names, what);
  if (t === 'bool') {
    if (typeof v !== 'boolean') throw new InputError(`${what}: expected true or false for bool`);
    return v;
  }
  if (t === 'string') {
    if (typeof v !== 'string') throw new InputError(`${what}: expected a string`);
    return v;
  }
  if (t === 'bytes' || /^bytes\d+$/.test(t)) {
    const hex = toHexBytes(v, what);
    if (t !== 'bytes' && (hex.length - 2) / 2 !== Number(t.slice(5))) throw new InputError(`${what}: ${t} takes exactly ${t.slice(5)} bytes`);
    return hex;
  }
  if (/^u?int\d*$/.test(t)) {
    const n = toBigInt(v, what);
    const bits = BigInt(t.replace(/^u?int/, '') || 256);
    const ok = t.startsWith('u') ? n >= 0n && n < 1n << bits : n >= -(1n << (bits - 1n)) && n < 1n << (bits - 1n);
    if (!ok) throw new InputError(`${what}: ${n} does not fit ${t}`);
    return n;
  }
  throw new InputError(`${what}: unsupported type ${t}`);
}

/** An address from `@name` or 0x + 40 hex digits. */
function resolveAddress(v, names, what) {
  if (typeof v === 'string' && v.startsWith('@')) {
    const a = names.get(v.slice(1));
    if (a === undefined) throw new InputError(`${what}: no account or deployed contract named '${v.slice(1)}'`);
    return a;
  }
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v)) return v.toLowerCase();
  throw new InputError(`${what}: expected an address (0x and 40 hex digits, or @name), got ${JSON.stringify(v instanceof JsonNumber ? v.text : v)}`);
}

const coder = AbiCoder.defaultAbiCoder();

function encodeArgs(inputs, args, names, what) {
  const types = inputs.map((i) => ParamType.from(i));
  if (args.length !== types.length) throw new InputError(`${what}: ${types.length} argument(s) expected, ${args.length} given`);
  return coder.encode(types, types.map((t, k) => toAbiValue(t, args[k], names, `${what}: args[${k}]`)));
}

/** The function a call step names, from the target's ABI (or, for a full signature, the signature alone). */
function resolveFunction(step, abi, where) {
  const f = step.function;
  if (typeof f !== 'string' || f === '') throw new InputError(`${where}: "function" must be a signature or a name`);
  const fns = (abi ?? []).filter((e) => e.type === 'function').map((e) => FunctionFragment.from(e));
  if (f.includes('(')) {
    let sig;
    try { sig = FunctionFragment.from('function ' + f.replace(/\s+returns\s*\(.*$/, '')); } catch (e) {
      throw new InputError(`${where}: "function": '${f}' is not a valid signature (${e.shortMessage ?? e.message})`);
    }
    const hit = fns.find((g) => g.format('sighash') === sig.format('sighash'));
    return hit ?? sig;
  }
  const hits = fns.filter((g) => g.name === f);
  if (abi === undefined) throw new InputError(`${where}: the target is not a contract deployed by the script, so "function" must be a full signature`);
  if (hits.length === 0) throw new InputError(`${where}: the contract has no function '${f}'`);
  if (hits.length > 1) throw new InputError(`${where}: '${f}' is overloaded (${hits.map((g) => g.format('sighash')).join(', ')}); write its signature`);
  return hits[0];
}

function blockValue(key, v, names, what) {
  if (key === 'coinbase') return resolveAddress(v, names, what);
  const n = toBigInt(v, what);
  if (n < 0n) throw new InputError(`${what}: negative`);
  return n;
}

/** Runs every step of `script` with `contracts`; returns one result per step. */
async function runScript(script, contracts) {
  const file = script.file;
  const names = new Map();  // name -> address
  for (const [name, a] of script.accounts) names.set(name, a.address);
  const abiByAddress = new Map();
  const block = { ...DEFAULT_BLOCK };
  const applyBlock = (b, where) => {
    for (const [k, v] of Object.entries(b ?? {})) block[k] = blockValue(k, v, names, `${where}: block.${k}`);
  };
  applyBlock(script.json.block, `${file}: error`);

  let vm;
  let vmChainId;
  let stateManager;
  const makeVm = async () => {
    if (block.chain_id > BigInt(Number.MAX_SAFE_INTEGER)) throw new InputError(`${file}: error: block.chain_id ${block.chain_id} is above 2^53 - 1, which @ethereumjs/common cannot hold`);
    const common = createCustomCommon({ chainId: Number(block.chain_id) }, Mainnet, { hardfork: script.hardfork });
    vm = await createVM({ common, stateManager });
    stateManager = vm.stateManager;
    vmChainId = block.chain_id;
  };
  await makeVm();
  for (const a of script.accounts.values()) {
    const acc = new Account(0n, a.balance);
    await vm.stateManager.putAccount(createAddressFromString(a.address), acc);
  }
  const firstAccount = script.accounts.size > 0 ? [...script.accounts.keys()][0] : undefined;

  const results = [];
  for (const [k, step] of script.json.steps.entries()) {
    const where = `${file}: error: steps[${k}]`;
    applyBlock(step.block, where);
    if (block.chain_id !== vmChainId) await makeVm();
    let sender;
    if (step.from === undefined) {
      if (firstAccount === undefined) throw new InputError(`${where}: no "from" and no accounts to default to`);
      sender = names.get(firstAccount);
    } else {
      if (typeof step.from === 'string' && step.from.startsWith('@') && !script.accounts.has(step.from.slice(1)))
        throw new InputError(`${where}: "from": '${step.from}' is not an account (a contract cannot send a transaction)`);
      sender = resolveAddress(step.from, names, `${where}: "from"`);
    }
    const value = step.value === undefined ? 0n : toBigInt(step.value, `${where}: "value"`);
    const gas = step.gas === undefined ? DEFAULT_GAS : toBigInt(step.gas, `${where}: "gas"`);
    if (value < 0n || gas < 0n) throw new InputError(`${where}: "value" and "gas" cannot be negative`);
    let to;
    let data;
    let contract;
    let fn;
    if (step.deploy !== undefined) {
      if (typeof step.deploy !== 'string') throw new InputError(`${where}: "deploy" must be a contract name`);
      contract = findContract(contracts, step.deploy, where);
      const ctor = contract.abi.find((e) => e.type === 'constructor');
      data = '0x' + contract.bytecode + encodeArgs(ctor?.inputs ?? [], step.args ?? [], names, where).slice(2);
      if (step.as !== undefined) {
        if (typeof step.as !== 'string' || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(step.as)) throw new InputError(`${where}: "as" must be a name`);
        if (script.accounts.has(step.as)) throw new InputError(`${where}: "as": '${step.as}' is already an account`);
        if (names.has(step.as)) throw new InputError(`${where}: "as": '${step.as}' already names a contract`);
      }
    } else {
      to = resolveAddress(step.call, names, `${where}: "call"`);
      if (step.calldata !== undefined) {
        data = toHexBytes(step.calldata, `${where}: "calldata"`);
      } else {
        fn = resolveFunction(step, abiByAddress.get(to), where);
        data = fn.selector + encodeArgs(fn.inputs, step.args ?? [], names, `${where}: ${fn.format('sighash')}`).slice(2);
      }
    }

    const senderAddress = createAddressFromString(sender);
    const senderAccount = (await vm.stateManager.getAccount(senderAddress)) ?? new Account();
    const header = {
      number: block.number, timestamp: block.timestamp, coinbase: block.coinbase, gasLimit: block.gas_limit,
    };
    const postLondon = POST_LONDON.has(script.hardfork);
    if (postLondon) header.baseFeePerGas = block.base_fee;
    else if (block.base_fee !== 0n) throw new InputError(`${where}: block.base_fee needs London or later`);
    if (POST_MERGE.has(script.hardfork)) header.mixHash = '0x' + block.prevrandao.toString(16).padStart(64, '0');
    else header.difficulty = block.prevrandao;
    const blk = createBlock({ header }, { common: vm.common });
    // Gas is measured, not paid (as in trainchain): the price is the base fee, which a London
    // transaction needs to be valid, and the sender gets the fee back after the step.
    const gasPrice = postLondon ? block.base_fee : 0n;
    const tx = createLegacyTx({ nonce: senderAccount.nonce, gasPrice, gasLimit: gas, to, value, data }, { common: vm.common, freeze: false });
    tx.getSenderAddress = () => senderAddress;
    const credit = gas * gasPrice;
    if (credit > 0n) { senderAccount.balance += credit; await vm.stateManager.putAccount(senderAddress, senderAccount); }
    if (senderAccount.balance < value + credit) throw new InputError(`${where}: the sender ${sender} holds ${senderAccount.balance} wei, less than the value ${value}`);
    let r;
    try {
      r = await runTx(vm, { tx, block: blk, skipBlockGasLimitValidation: true });
    } catch (e) {
      throw new InputError(`${where}: the transaction is invalid: ${e.message.split('\n')[0]}`);
    }
    if (credit > 0n) {
      const after = await vm.stateManager.getAccount(senderAddress);
      after.balance = after.balance - credit + r.totalGasSpent * gasPrice;
      await vm.stateManager.putAccount(senderAddress, after);
    }
    const err = r.execResult.exceptionError;
    const status = err === undefined ? 'success' : err.error === 'revert' ? 'revert' : 'failure';
    const ret = bytesToHex(r.execResult.returnValue ?? new Uint8Array());
    const res = { status, gasUsed: r.totalGasSpent, fn, contract };
    if (status === 'success') {
      res.logs = (r.execResult.logs ?? []).map(([addr, topics, d]) => ({ address: bytesToHex(addr), topics: topics.map(bytesToHex), data: bytesToHex(d) }));
      if (step.deploy !== undefined) {
        res.address = r.createdAddress.toString().toLowerCase();
        res.codeSize = (await vm.stateManager.getCode(r.createdAddress)).length;
        abiByAddress.set(res.address, contract.abi);
        if (step.as !== undefined) names.set(step.as, res.address);
      } else {
        res.output = ret;
      }
    } else if (status === 'revert') {
      res.revert = ret;
    }
    // Balances the author asked about, read now.
    if (isObject(step.expect?.balances)) {
      res.balances = {};
      for (const who of Object.keys(step.expect.balances)) {
        const a = await vm.stateManager.getAccount(createAddressFromString(resolveAddress(who, names, `${where}: expect.balances`)));
        res.balances[who] = a?.balance ?? 0n;
      }
    }
    results.push(res);
  }
  return { results, names };
}

// ---------------------------------------------------------------------------------------------
// Expectations.

/** The behaviour of a step as `expect` writes it (named addresses as @name). */
function behaviour(res, byAddress) {
  const name = (a) => (byAddress.has(a) ? '@' + byAddress.get(a) : a);
  const b = { status: res.status };
  if (res.output !== undefined) b.output = res.output;
  if (res.revert !== undefined) b.revert = res.revert;
  if (res.logs !== undefined) b.events = res.logs.map((l) => ({ address: name(l.address), topics: l.topics, data: l.data }));
  // A deploy's own address stays raw: the runner binds `as` to the address it computed, so
  // "@name" would check nothing.
  if (res.address !== undefined) b.address = res.address;
  return b;
}

/** Checks the decoded expectations the author wrote against the reference run; returns the problems. */
function checkAuthored(expect, res, names) {
  const problems = [];
  const iface = (frag) => new Interface([frag]);
  const encodeWith = (what, f) => {
    try { return f(); } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`${what}: cannot encode the expected value: ${e.shortMessage ?? e.message}`);
    }
  };
  if (expect.returns !== undefined) {
    if (res.status !== 'success') problems.push(`"returns" expects success, the reference ${res.status === 'revert' ? 'reverted' : 'failed'}`);
    else if (!res.fn) problems.push('"returns" needs a "function" step (the reference cannot type the output)');
    else {
      if (!Array.isArray(expect.returns)) throw new InputError('expect.returns must be an array');
      const want = encodeArgs(res.fn.outputs, expect.returns, names, 'expect.returns');
      if (want !== res.output) problems.push(`"returns" encodes to ${want}, the reference returned ${res.output}`);
    }
  }
  if (isObject(expect.revert)) {
    const r = expect.revert;
    let want;
    if (r.reason !== undefined) {
      if (typeof r.reason !== 'string') throw new InputError('expect.revert.reason must be a string');
      want = encodeWith('expect.revert', () => iface('error Error(string)').encodeErrorResult('Error', [r.reason]));
    } else if (r.panic !== undefined) {
      want = encodeWith('expect.revert', () => iface('error Panic(uint256)').encodeErrorResult('Panic', [toBigInt(r.panic, 'expect.revert.panic')]));
    } else if (r.error !== undefined) {
      const frag = encodeWith('expect.revert.error', () => ErrorFragment.from('error ' + r.error));
      want = frag.selector + encodeArgs(frag.inputs, r.args ?? [], names, 'expect.revert').slice(2);
    } else {
      throw new InputError('expect.revert: an object needs "error", "reason" or "panic"');
    }
    if (res.status !== 'revert') problems.push(`"revert" expects a revert, the reference run's status is ${res.status}`);
    else if (want.toLowerCase() !== res.revert) problems.push(`"revert" encodes to ${want}, the reference reverted with ${res.revert}`);
  }
  if (Array.isArray(expect.events) && expect.events.some((e) => isObject(e) && e.event !== undefined)) {
    const logs = res.logs ?? [];
    if (expect.events.length !== logs.length) problems.push(`"events" lists ${expect.events.length} event(s), the reference emitted ${logs.length}`);
    expect.events.forEach((e, k) => {
      const log = logs[k];
      if (!log || !isObject(e)) return;
      const addr = resolveAddress(e.address, names, `expect.events[${k}].address`);
      let topics;
      let data;
      if (e.event !== undefined) {
        const frag = encodeWith(`expect.events[${k}]`, () => {
          const f = EventFragment.from('event ' + e.event);
          return e.anonymous === true ? EventFragment.from({ ...JSON.parse(f.format('json')), anonymous: true }) : f;
        });
        const args = e.args ?? [];
        if (args.length !== frag.inputs.length) throw new InputError(`expect.events[${k}]: ${frag.inputs.length} argument(s) expected, ${args.length} given`);
        const values = frag.inputs.map((t, j) => toAbiValue(t, args[j], names, `expect.events[${k}].args[${j}]`));
        ({ topics, data } = encodeWith(`expect.events[${k}]`, () => iface(frag).encodeEventLog(frag, values)));
      } else {
        topics = (e.topics ?? []).map((t) => t.toLowerCase());
        data = (e.data ?? '0x').toLowerCase();
      }
      const same = addr === log.address && data === log.data && topics.length === log.topics.length && topics.every((t, j) => t === log.topics[j]);
      if (!same) problems.push(`"events"[${k}] is ${JSON.stringify({ address: addr, topics, data })}, the reference logged ${JSON.stringify(log)}`);
    });
  }
  if (isObject(expect.balances)) {
    for (const [who, v] of Object.entries(expect.balances)) {
      const want = toBigInt(v, `expect.balances.${who}`);
      if (want !== res.balances[who]) problems.push(`"balances": ${who} holds ${res.balances[who]} wei in the reference, not ${want}`);
    }
  }
  if (expect.status !== undefined && !['success', 'revert', 'failure'].includes(expect.status)) throw new InputError(`expect.status: '${expect.status}' is not success, revert or failure`);
  return problems;
}

/** Whether the author wrote `events` in decoded form (the generator then keeps and checks it). */
const authoredEvents = (expect) => Array.isArray(expect?.events) && expect.events.some((e) => isObject(e) && e.event !== undefined);

async function generate(file) {
  const script = loadScript(file);
  const runs = [];
  for (const build of BUILDS) {
    const contracts = compile(script, build);
    runs.push({ build, ...(await runScript(script, contracts)) });
  }
  const [o0, o1] = runs;
  const byAddress = new Map([...o0.names].map(([n, a]) => [a, n]));
  const steps = script.json.steps.map((step, k) => {
    const b0 = behaviour(o0.results[k], byAddress);
    const b1 = behaviour(o1.results[k], byAddress);
    if (JSON.stringify(b0) !== JSON.stringify(b1) || JSON.stringify(o0.results[k].balances, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(o1.results[k].balances, (_, v) => (typeof v === 'bigint' ? v.toString() : v)))
      throw new MismatchError(`${file}: error: steps[${k}]: the unoptimized and optimized builds behave differently:\n  O0: ${JSON.stringify(b0)}\n  O1: ${JSON.stringify(b1)}\n(solc's optimizer must not change behaviour: check for gas-dependent code such as gasleft() or a tight "gas")`);
    const old = isObject(step.expect) ? step.expect : {};
    let problems;
    try {
      problems = checkAuthored(old, o0.results[k], o0.names);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${file}: error: steps[${k}]: ${e.message}`);
      throw e;
    }
    if (problems.length > 0) throw new MismatchError(`${file}: error: steps[${k}]: the script's expectations disagree with the reference run (solc ${SOLC_VERSION}, @ethereumjs/evm):\n  ` + problems.join('\n  '));
    const expect = { ...old, status: b0.status };
    for (const key of ['output', 'address']) {
      if (b0[key] !== undefined) expect[key] = b0[key]; else delete expect[key];
    }
    if (!isObject(old.revert)) {
      if (b0.revert !== undefined) expect.revert = b0.revert; else delete expect.revert;
    }
    if (!authoredEvents(old)) {
      if (b0.events !== undefined) expect.events = b0.events; else delete expect.events;
    }
    const reference = { gas_used: { O0: Number(o0.results[k].gasUsed), O1: Number(o1.results[k].gasUsed) } };
    if (o0.results[k].codeSize !== undefined) reference.code_size = { O0: o0.results[k].codeSize, O1: o1.results[k].codeSize };
    return ordered({ ...step, expect: ordered(expect, EXPECT_KEYS), reference }, STEP_KEYS);
  });
  const result = formatScript(ordered({ ...script.json, steps }, TOP_KEYS));
  fs.writeFileSync(file, result);
  const summary = steps.map((s) => s.expect.status).reduce((m, st) => ({ ...m, [st]: (m[st] ?? 0) + 1 }), {});
  process.stdout.write(`${file}: ${steps.length} step(s) written (${Object.entries(summary).map(([s, n]) => `${n} ${s}`).join(', ')})\n`);
}

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0 || files.includes('-h') || files.includes('--help')) {
    process.stderr.write('usage: generate.mjs SCRIPT.json [SCRIPT.json...]\n' +
      'Compiles each script\'s sources with solc ' + SOLC_VERSION + ' (without and with the optimizer), runs its steps\n' +
      'on @ethereumjs/evm and writes each step\'s "expect" and "reference" into the script (docs/scripting.md).\n');
    process.exit(files.length === 0 ? 2 : 0);
  }
  const version = solc.version();
  if (!version.startsWith(SOLC_VERSION + '+')) { process.stderr.write(`error: solc-js is ${version}, not ${SOLC_VERSION}; run npm ci\n`); process.exit(2); }
  for (const file of files) {
    try {
      if (!fs.existsSync(file)) throw new InputError(`${file}: error: no such file`);
      await generate(file);
    } catch (e) {
      if (e instanceof InputError) { process.stderr.write(e.message + '\n'); process.exit(2); }
      if (e instanceof MismatchError) { process.stderr.write(e.message + '\n'); process.exit(1); }
      throw e;
    }
  }
}

await main();
