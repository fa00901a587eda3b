import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { Position, Range } from '../model/range';

/**
 * Checks a request's params before a handler reads them: a client that sends `null` hover params
 * or a code action without its context gets JSON-RPC's InvalidParams (-32602) naming the field,
 * not an internal error from a handler that tripped over it.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function position(value: unknown, name: string): Position {
  if (!isRecord(value) || !isCount(value.line) || !isCount(value.character)) {
    throw invalid(`${name} must be a position {line, character} of whole numbers`);
  }
  return { line: value.line, character: value.character };
}

function range(value: unknown, name: string): Range {
  if (!isRecord(value)) throw invalid(`${name} must be a range {start, end}`);
  return { start: position(value.start, `${name}.start`), end: position(value.end, `${name}.end`) };
}

function record(params: unknown): Record<string, unknown> {
  if (!isRecord(params)) throw invalid('params must be an object');
  return params;
}

function documentUri(params: Record<string, unknown>): string {
  const document = params.textDocument;
  if (!isRecord(document) || typeof document.uri !== 'string') throw invalid('textDocument.uri must be a string');
  return document.uri;
}

export function positionParams(params: unknown): { uri: string; position: Position } {
  const read = record(params);
  return { uri: documentUri(read), position: position(read.position, 'position') };
}

export function rangeParams(params: unknown): { uri: string; range: Range } {
  const read = record(params);
  return { uri: documentUri(read), range: range(read.range, 'range') };
}

export function codeActionParams(params: unknown): { uri: string; range: Range } {
  const read = record(params);
  const result = rangeParams(read);
  const context = read.context;
  if (!isRecord(context) || !Array.isArray(context.diagnostics) || !context.diagnostics.every(isRecord)) {
    throw invalid('context.diagnostics must be an array of diagnostics');
  }
  if (context.only !== undefined && !(Array.isArray(context.only) && context.only.every((kind) => typeof kind === 'string'))) {
    throw invalid('context.only must be an array of strings');
  }
  return result;
}

export function uriParams(params: unknown): { uri: string } {
  const read = record(params);
  if (typeof read.uri !== 'string') throw invalid('uri must be a string');
  return { uri: read.uri };
}
