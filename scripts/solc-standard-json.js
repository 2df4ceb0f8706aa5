// Runs the official Solidity compiler (npm `solc`, solc-js) on a Standard JSON input read from
// stdin and prints the Standard JSON output. Imports resolve inside the project root only:
// "contracts/..." from the project, "@openzeppelin/..." from node_modules.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.resolve(__dirname, '..');

function findImports(importPath) {
  const candidates = [path.join(root, importPath), path.join(root, 'node_modules', importPath)];
  for (const file of candidates) {
    if (file.startsWith(root) && fs.existsSync(file)) {
      return { contents: fs.readFileSync(file, 'utf8') };
    }
  }
  return { error: `File not found: ${importPath}` };
}

const input = fs.readFileSync(0, 'utf8');
if (process.argv.includes('--version')) {
  process.stdout.write(solc.version() + '\n');
} else {
  process.stdout.write(solc.compile(input, { import: findImports }));
}
