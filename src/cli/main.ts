// `disentangle <command>`: a thin layer over the library. It parses arguments, picks the backend,
// draws the progress bar, and turns a UserError into one line on stderr with a non-zero exit
// (the stack trace only with --debug).
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { UserError } from '../util/errors.js';
import { registerCommands } from './commands.js';

const program = new Command()
  .name('disentangle')
  .description('Learn, measure and explore disentangled representations')
  .option('--debug', 'show stack traces for errors')
  .addOption(new Option('--backend <name>', 'tfjs backend: auto, native, wasm, cpu or tensorflow (tfjs-node, if installed)'))
  .option('--threads <n>', 'threads the backend computes with (default: the CPUs available)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerCommands(program);

// A sweep spawns each run with an IPC channel; when the sweep or worker dies, even by SIGKILL, the
// channel closes and the run stops too, instead of writing on into a directory that another worker
// may take over. Unreferenced, the channel does not keep a finished run alive.
if (process.channel) {
  process.on('disconnect', () => {
    process.stderr.write('error: the sweep that started this run has gone; stopping\n');
    process.exit(1);
  });
  process.channel.unref();
}

function debugRequested(): boolean {
  return process.argv.includes('--debug');
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
  } else if (e instanceof UserError) {
    process.stderr.write(`error: ${e.message}\n`);
    if (debugRequested()) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e.exitCode;
  } else {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    process.stderr.write(`error: ${message}\n`);
    process.stderr.write(debugRequested() && e instanceof Error ? `${e.stack}\n` : '(run with --debug for the stack trace)\n');
    process.exitCode = 1;
  }
}
