/**
 * The seed's error codes E001–E008 as typed errors. Every error carries a code, a message meant for a
 * user (no stack trace needed to act on it), an optional hint and the underlying cause.
 */
export type ErrorCode = 'E001' | 'E002' | 'E003' | 'E004' | 'E005' | 'E006' | 'E007' | 'E008';

export const ERROR_CODES: Record<ErrorCode, string> = {
  E001: 'Server health check failed',
  E002: 'Client health check failed',
  E003: 'Service preparation failed',
  E004: 'Workload start failed',
  E005: 'Metrics collection failed',
  E006: 'Configuration validation failed',
  E007: 'Timeout exceeded',
  E008: 'Network connection failed',
};

export interface HpcBenchErrorOptions {
  cause?: unknown;
  hint?: string;
}

export class HpcBenchError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: HpcBenchErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** `E00x: message` as the CLI prints it. */
  format(): string {
    return `${this.code}: ${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

export class ServerHealthError extends HpcBenchError {
  constructor(message: string, options?: HpcBenchErrorOptions) {
    super('E001', message, options);
  }
}
export class ClientHealthError extends HpcBenchError {
  constructor(message: string, options?: HpcBenchErrorOptions) {
    super('E002', message, options);
  }
}
export class ServicePreparationError extends HpcBenchError {
  constructor(message: string, options?: HpcBenchErrorOptions) {
    super('E003', message, options);
  }
}
export class WorkloadStartError extends HpcBenchError {
  constructor(message: string, options?: HpcBenchErrorOptions) {
    super('E004', message, options);
  }
}
export class MetricsCollectionError extends HpcBenchError {
  constructor(message: string, options?: HpcBenchErrorOptions) {
    super('E005', message, options);
  }
}

/** One problem found in a recipe: where it is and what is allowed. */
export interface ConfigIssue {
  severity: 'error' | 'warning';
  /** Dotted path of the field, e.g. `workload.duration`. Empty for the document root. */
  path: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}:${issue.column ?? 1}` : ''}: ` : '';
  const field = issue.path ? `${issue.path}: ` : '';
  return `${where}${issue.severity}: ${field}${issue.message}`;
}

export class ConfigValidationError extends HpcBenchError {
  readonly issues: ConfigIssue[];
  constructor(message: string, issues: ConfigIssue[] = [], options?: HpcBenchErrorOptions) {
    super('E006', message, options);
    this.issues = issues;
  }
  override format(): string {
    const lines = this.issues.filter((i) => i.severity === 'error').map((i) => `  ${formatConfigIssue(i)}`);
    return [`${this.code}: ${this.message}`, ...lines].join('\n');
  }
}
export class TimeoutExceededError extends HpcBenchError {
  constructor(message: string, options?: HpcBenchErrorOptions) {
    super('E007', message, options);
  }
}
export class NetworkConnectionError extends HpcBenchError {
  constructor(message: string, options?: HpcBenchErrorOptions) {
    super('E008', message, options);
  }
}

export function isHpcBenchError(err: unknown): err is HpcBenchError {
  return err instanceof HpcBenchError;
}

/**
 * A system error a user can act on, as a typed error: a port already in use (E006: choose another), a
 * disk full or a path that cannot be written (E005: results cannot be written). Undefined for others.
 */
export function fromSystemError(err: unknown): HpcBenchError | undefined {
  const e = err as { code?: unknown; address?: unknown; port?: unknown; path?: unknown; syscall?: unknown };
  if (!e || typeof e.code !== 'string') return undefined;
  const path = typeof e.path === 'string' ? ` ${e.path}` : '';
  switch (e.code) {
    case 'EADDRINUSE':
      return new ConfigValidationError(
        `port ${String(e.port ?? '?')} on ${String(e.address ?? 'this host')} is already in use: stop what listens there or choose another port (e.g. --port 0 for any free port)`,
        [],
        { cause: err },
      );
    case 'EADDRNOTAVAIL':
      return new ConfigValidationError(
        `address ${String(e.address ?? '?')} is not an address of this host`,
        [],
        {
          cause: err,
        },
      );
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return new MetricsCollectionError(
        `cannot write${path}: ${e.code === 'ENOSPC' ? 'no space left on the device' : e.code === 'EDQUOT' ? 'disk quota exceeded' : 'file too large (file-size limit)'} (${e.code}); free space or choose another --results-dir`,
        { cause: err },
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      if (!path) return undefined;
      return new MetricsCollectionError(
        `cannot write${path}: ${e.code === 'EROFS' ? 'read-only file system' : 'permission denied'} (${e.code})`,
        {
          cause: err,
        },
      );
    default:
      return undefined;
  }
}
