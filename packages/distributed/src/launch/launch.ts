// torchrun for medgpt: starts one process per GPU on this node with torchrun's environment, prefixes
// their output with their rank, and when one fails stops the others and reports it by rank.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { freePort } from './free-port.js';
import {
  DEFAULT_MASTER_PORT,
  type LaunchOptions,
  type LaunchResult,
  type RankExit,
} from './launch-options.js';
import { LinePrefixer } from './line-prefixer.js';
import { rankEnv } from './rank-env.js';

interface Running {
  exit: RankExit;
  child: ChildProcess;
  done: boolean;
}

/** Runs `options.command` as nproc_per_node processes; resolves when all have exited. */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const nproc = checkInteger('--nproc_per_node', options.nprocPerNode, 1);
  const nnodes = checkInteger('--nnodes', options.nnodes ?? 1, 1);
  const nodeRank = checkInteger('--node_rank', options.nodeRank ?? 0, 0);
  if (nodeRank >= nnodes) throw new RangeError(`--node_rank ${nodeRank} must be below --nnodes ${nnodes}`);
  if (options.command.length === 0) throw new RangeError('launch: no command to run');
  const masterAddr = options.masterAddr ?? '127.0.0.1';
  const masterPort = checkInteger(
    '--master_port',
    options.masterPort ?? (nnodes === 1 ? await freePort() : DEFAULT_MASTER_PORT),
    1,
  );
  const out = options.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = options.stderr ?? ((t: string) => void process.stderr.write(t));
  const env = options.env ?? process.env;
  const [program, ...args] = options.command;

  const ranks: Running[] = [];
  let failure: LaunchResult['failure'];
  let forwarded: NodeJS.Signals | null = null;
  let killTimer: NodeJS.Timeout | undefined;

  const stopOthers = (signal: NodeJS.Signals) => {
    for (const r of ranks) if (!r.done) signalGroup(r.child, signal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    forwarded ??= signal;
    stopOthers(signal);
  };
  const killAll = () => stopOthers('SIGKILL');
  const forwardSignals = options.forwardSignals ?? true;
  if (forwardSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  process.on('exit', killAll);

  try {
    const finished = Array.from({ length: nproc }, (_, localRank) => {
      const rank = nodeRank * nproc + localRank;
      const childEnv = {
        ...env,
        ...rankEnv({
          rank,
          localRank,
          worldSize: nnodes * nproc,
          localWorldSize: nproc,
          nodeRank,
          masterAddr,
          masterPort,
        }),
      };
      // Its own process group: Ctrl-C reaches the children once, forwarded by us, not twice.
      const child = spawn(program!, args, {
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const running: Running = {
        exit: { rank, localRank, pid: child.pid ?? -1, code: null, signal: null },
        child,
        done: false,
      };
      ranks.push(running);
      const prefix = `[rank ${rank}] `;
      const stdout = new LinePrefixer(prefix, out);
      const stderr = new LinePrefixer(prefix, err);
      child.stdout!.on('data', (d: Buffer) => stdout.push(d));
      child.stderr!.on('data', (d: Buffer) => stderr.push(d));
      return new Promise<void>((resolve) => {
        const ended = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
          if (running.done) return;
          running.done = true;
          running.exit.code = code;
          running.exit.signal = signal;
          const failed = spawnError !== undefined || code !== 0;
          if (failed && !failure && !forwarded) {
            failure = { ...running.exit, message: describeExit(running.exit, program!, spawnError) };
            stopOthers('SIGTERM');
            killTimer = setTimeout(killAll, options.killGraceMs ?? 10_000);
          }
        };
        child.once('exit', (code, signal) => ended(code, signal));
        child.once('error', (e) => {
          ended(null, null, e);
          resolve();
        });
        child.once('close', () => {
          stdout.flush();
          stderr.flush();
          resolve();
        });
      });
    });
    await Promise.all(finished);
  } finally {
    clearTimeout(killTimer);
    if (forwardSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    process.off('exit', killAll);
  }
  const exits = ranks.map((r) => r.exit).sort((a, b) => a.rank - b.rank);
  const exitCode = forwarded ? 128 + (constants.signals[forwarded] ?? 0) : failure ? 1 : 0;
  return { exitCode, failure, exits };
}

/** "rank 1 (local rank 1, pid 4242) exited with code 1". */
function describeExit(exit: RankExit, program: string, spawnError?: Error): string {
  const who = `rank ${exit.rank} (local rank ${exit.localRank}, pid ${exit.pid})`;
  if (spawnError) return `rank ${exit.rank} could not start ${program}: ${spawnError.message}`;
  return exit.signal ? `${who} was killed by ${exit.signal}` : `${who} exited with code ${exit.code}`;
}

/** Signals the child's whole process group (it leads one), or the child alone if that fails. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function checkInteger(flag: string, value: number, min: number): number {
  if (!(Number.isSafeInteger(value) && value >= min))
    throw new RangeError(`${flag} must be an integer >= ${min}, got ${value}`);
  return value;
}
