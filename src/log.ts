/** The one root logger: pino JSON to stdout; components take `log.child({ module })`. */
import { pino, stdSerializers, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'footfall' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: stdSerializers.err },
    },
    destination,
  );
}
