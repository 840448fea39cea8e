import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import type { Logger } from '../logger';

type LogFunction = (level: LogLevel, message: string, meta?: LogMetadata) => void;

const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const PINO_METHOD: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

function temporalLogger(log: LogFunction): TemporalLogger {
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

/** Routes the Temporal SDK's logs (worker, workflow `log`, activity `log`) into our pino logger. */
export function temporalLoggerFrom(logger: Logger): TemporalLogger {
  return temporalLogger((level, message, meta) => logger[PINO_METHOD[level]](meta ?? {}, message));
}

/** For tests and benchmarks: the SDK's messages at `minimum` or above go to stderr; 'OFF' drops them all. */
export function consoleTemporalLogger(minimum: LogLevel | 'OFF'): TemporalLogger {
  return temporalLogger((level, message, meta) => {
    if (minimum !== 'OFF' && RANK[level] >= RANK[minimum]) console.error(level, message, meta ?? '');
  });
}
