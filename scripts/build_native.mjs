// Install-time builder of the optional 'native' backend (native/, a Node-API addon over oneDNN).
// Builds only where oneDNN's header and library are present, with npm's own node-gyp and the
// Node headers already on this machine (nothing is downloaded). The backend is optional, so
// every failure is one line and exit status 0: 'auto' then uses wasm.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const NATIVE_DIR = fileURLToPath(new URL('../native/', import.meta.url));
const HEADER_DIRS = ['/usr/include', '/usr/local/include'];
const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];

function say(line) {
  console.log(`native backend ${line}`);
}

function oneDnnPresent() {
  const header = HEADER_DIRS.some((dir) => existsSync(path.join(dir, 'oneapi/dnnl/dnnl.hpp')));
  const library = LIBRARY_DIRS.some((dir) => existsSync(dir) && readdirSync(dir).some((f) => /^libdnnl\.so/.test(f)));
  return header && library;
}

/** npm's node-gyp: the one npm names during lifecycle scripts, else the one bundled next to npm. */
function findNodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  const which = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
  const npm = which.status === 0 ? which.stdout.trim() : '';
  if (!npm) return null;
  const bundled = path.join(path.dirname(realpathSync(npm)), '../node_modules/node-gyp/bin/node-gyp.js');
  return existsSync(bundled) ? bundled : null;
}

/**
 * The Node installation prefix when its headers are installed with it (distribution packages and
 * the official tarballs both ship include/node), so that node-gyp does not download them.
 */
function localNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include/node/node_api.h')) ? prefix : null;
}

function main() {
  if (!oneDnnPresent()) {
    say('not built: oneDNN (libdnnl-dev) not found; apt-get install libdnnl-dev');
    return;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    say("not built: npm's node-gyp not found");
    return;
  }
  const args = [nodeGyp, 'rebuild'];
  const nodeDir = process.env.npm_config_nodedir || localNodeDir();
  if (nodeDir) args.push(`--nodedir=${nodeDir}`);
  const result = spawnSync(process.execPath, args, { cwd: NATIVE_DIR, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`;
    const firstError = output.split('\n').find((line) => /error/i.test(line))?.trim() ?? `exit status ${result.status}`;
    say(`not built: the build failed (${firstError}); 'auto' will use wasm`);
    return;
  }
  say('built: native/build/Release/disentangle_native.node');
}

main();
