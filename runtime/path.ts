import { InvalidPathError } from './errors.js';

/**
 * Actor path grammar:
 *
 * ```
 * path     = "/" | ( "/" segment )+
 * segment  = first *rest            (1 to 128 characters)
 * first    = ALPHA / DIGIT / "_"
 * rest     = ALPHA / DIGIT / "_" / "-" / "." / ":" / "@" / "+" / "="
 * ```
 *
 * Segments beginning with `$` are reserved for the runtime (`/$temp/…` for ask replies,
 * `/$system/…` for system actors) and cannot be spawned by user code. Paths are case-sensitive.
 * A ref written as a string is `[node] path`, e.g. `trading-1/portfolio/main`; see {@link formatRef}.
 */
export const MAX_SEGMENT_LENGTH = 128;
export const MAX_PATH_DEPTH = 32;

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_\-.:@+=]{0,127}$/;
const NODE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_\-.]{0,63}$/;

/** The reason a segment is invalid, or undefined when it is valid. */
export function segmentProblem(segment: string): string | undefined {
  if (typeof segment !== 'string' || segment.length === 0) return 'empty segment';
  if (segment.length > MAX_SEGMENT_LENGTH) return `segment longer than ${MAX_SEGMENT_LENGTH} characters`;
  if (!SEGMENT.test(segment)) return `segment ${JSON.stringify(segment)} has a character outside [A-Za-z0-9_-.:@+=] or starts with one of -.:@+=`;
  return undefined;
}

/** Throws InvalidPathError unless `name` is a valid child name. */
export function validateName(name: string): string {
  const problem = segmentProblem(name);
  if (problem !== undefined) throw new InvalidPathError(name, problem);
  return name;
}

/** Throws InvalidPathError unless `path` follows the grammar; `$` segments allowed when `allowReserved`. */
export function validatePath(path: string, allowReserved = false): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw new InvalidPathError(String(path), 'must start with "/"');
  if (path === '/') return path;
  const segments = path.slice(1).split('/');
  if (segments.length > MAX_PATH_DEPTH) throw new InvalidPathError(path, `deeper than ${MAX_PATH_DEPTH} segments`);
  for (const s of segments) {
    const reserved = allowReserved && s.startsWith('$');
    const problem = segmentProblem(reserved ? s.slice(1) : s);
    if (problem !== undefined) throw new InvalidPathError(path, problem);
  }
  return path;
}

export function validateNodeName(node: string): string {
  if (typeof node !== 'string' || !NODE_NAME.test(node)) {
    throw new InvalidPathError(String(node), 'node names are 1-64 characters of [A-Za-z0-9_-.], starting with a letter, digit or _');
  }
  return node;
}

export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

export function parentPath(path: string): string | undefined {
  if (path === '/') return undefined;
  const i = path.lastIndexOf('/');
  return i === 0 ? '/' : path.slice(0, i);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
