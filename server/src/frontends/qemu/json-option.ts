/**
 * A small JSON parser that keeps the position of every value and member, so each JSON property of
 * `-device '{...}'` maps back to its text. Accepts what QEMU's JSON parser accepts (also
 * 'single-quoted' strings); rejects duplicate keys like QEMU does. Messages begin with QEMU 10's own
 * words (`JSON parse error, duplicate key`), checked against the real binary.
 */

interface Span {
  from: number;
  to: number;
}

export type JsonNode =
  | (Span & { kind: 'object'; members: JsonMember[] })
  | (Span & { kind: 'array'; items: JsonNode[] })
  | (Span & { kind: 'string'; value: string })
  | (Span & { kind: 'number'; value: number })
  | (Span & { kind: 'boolean'; value: boolean })
  | (Span & { kind: 'null' });

export interface JsonMember {
  key: string;
  keyFrom: number;
  keyTo: number;
  value: JsonNode;
}

export type JsonParse = { ok: true; value: JsonNode } | { ok: false; message: string; from: number; to: number };

class JsonError extends Error {
  constructor(message: string, readonly from: number, readonly to: number) {
    super(message);
  }
}

const maxDepth = 256;

class JsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonNode {
    const value = this.parseValue(0);
    this.skipSpace();
    if (this.pos < this.text.length) throw new JsonError('Expecting at most one JSON value (text follows the JSON object)', this.pos, this.text.length);
    return value;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos])) this.pos++;
  }

  private fail(message: string): never {
    const end = this.pos < this.text.length ? this.pos + 1 : this.pos;
    throw new JsonError(message, this.pos, end);
  }

  private parseValue(depth: number): JsonNode {
    if (depth > maxDepth) this.fail('JSON parse error, nested too deeply');
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('JSON parse error, premature EOI (a value is missing)');
    if (c === '{') return this.parseObject(depth);
    if (c === '[') return this.parseArray(depth);
    if (c === '"' || c === "'") {
      const from = this.pos;
      const value = this.parseString();
      return { kind: 'string', value, from, to: this.pos };
    }
    if (c === '-' || (c >= '0' && c <= '9')) return this.parseNumber();
    for (const [word, node] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos) && !/[A-Za-z0-9_]/.test(this.text[this.pos + word.length] ?? '')) {
        const from = this.pos;
        this.pos += word.length;
        return node === null ? { kind: 'null', from, to: this.pos } : { kind: 'boolean', value: node, from, to: this.pos };
      }
    }
    const bad = /^[^\s,:\]}]+/.exec(this.text.slice(this.pos))?.[0];
    if (bad === undefined) throw new JsonError('JSON parse error, expecting value', this.pos, this.pos + 1);
    const message = /^[A-Za-z]/.test(bad) ? `JSON parse error, invalid keyword '${bad}'` : `JSON parse error, stray '${bad}'`;
    throw new JsonError(message, this.pos, this.pos + bad.length);
  }

  private parseObject(depth: number): JsonNode {
    const from = this.pos;
    this.pos++;
    const members: JsonMember[] = [];
    const seen = new Set<string>();
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', members, from, to: this.pos };
    }
    for (;;) {
      this.skipSpace();
      const q = this.text[this.pos];
      if (q === undefined) this.fail('JSON parse error, premature EOI (a key or } is missing)');
      if (q === '}') this.fail('JSON parse error, expecting value (a comma before })');
      if (q !== '"' && q !== "'") this.fail('JSON parse error, key is not a string in object');
      const keyFrom = this.pos;
      const key = this.parseString();
      const keyTo = this.pos;
      if (seen.has(key)) throw new JsonError(`JSON parse error, duplicate key '${key}'`, keyFrom, keyTo);
      seen.add(key);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(this.pos >= this.text.length ? 'JSON parse error, premature EOI' : `JSON parse error, missing : in object pair (after key '${key}')`);
      this.pos++;
      const value = this.parseValue(depth + 1);
      members.push({ key, keyFrom, keyTo, value });
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') { this.pos++; continue; }
      if (next === '}') { this.pos++; return { kind: 'object', members, from, to: this.pos }; }
      this.fail(next === undefined ? "JSON parse error, premature EOI (',' or '}' is missing)" : "JSON parse error, expected separator in dict (',' or '}')");
    }
  }

  private parseArray(depth: number): JsonNode {
    const from = this.pos;
    this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items, from, to: this.pos };
    }
    for (;;) {
      items.push(this.parseValue(depth + 1));
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') { this.pos++; continue; }
      if (next === ']') { this.pos++; return { kind: 'array', items, from, to: this.pos }; }
      this.fail(next === undefined ? "JSON parse error, premature EOI (',' or ']' is missing)" : "JSON parse error, expected separator in list (',' or ']')");
    }
  }

  private parseString(): string {
    const quote = this.text[this.pos];
    const from = this.pos;
    this.pos++;
    let value = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === quote) { this.pos++; return value; }
      if (c === '\\') {
        const e = this.text[this.pos + 1];
        const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) { value += simple[e]; this.pos += 2; continue; }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
          value += String.fromCharCode(parseInt(this.text.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
          continue;
        }
        throw new JsonError('JSON parse error, invalid escape sequence in string', this.pos, Math.min(this.text.length, this.pos + 2));
      }
      if (c.charCodeAt(0) < 0x20) throw new JsonError('JSON parse error, control character in string', this.pos, this.pos + 1);
      value += c;
      this.pos++;
    }
    throw new JsonError(`JSON parse error, stray '${this.text.slice(from)}' (unterminated string)`, from, this.text.length);
  }

  private parseNumber(): JsonNode {
    const from = this.pos;
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos));
    if (!match) this.fail(`JSON parse error, stray '${/^[^\s,\]}]*/.exec(this.text.slice(this.pos))?.[0] ?? ''}'`);
    this.pos += match[0].length;
    return { kind: 'number', value: Number(match[0]), from, to: this.pos };
  }
}

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: new JsonParser(text).parseDocument() };
  } catch (error) {
    if (error instanceof JsonError) return { ok: false, message: error.message, from: error.from, to: error.to };
    return { ok: false, message: 'invalid JSON', from: 0, to: text.length };
  }
}
