/**
 * One-line log records on stdout (journald adds the time stamp on the appliance).
 * `scope` names the module so `journalctl -u pos-daemon | grep scanners` works.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(scope: string): Logger;
}

export interface LogSink {
  (line: string): void;
}

export function createLogger(
  level: Level = 'info',
  sink: LogSink = (l) => process.stdout.write(l + '\n'),
  scope = 'pos',
): Logger {
  const min = ORDER[level];
  const emit = (lvl: Level, msg: string) => {
    if (ORDER[lvl] < min) return;
    sink(`${new Date().toISOString()} ${lvl.toUpperCase().padEnd(5)} [${scope}] ${msg}`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (s) => createLogger(level, sink, `${scope}:${s}`),
  };
}

/** A logger that keeps its lines in memory, for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = createLogger('debug', (l) => lines.push(l));
  return Object.assign(log, { lines });
}
