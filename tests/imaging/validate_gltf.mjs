// Validates a glTF/GLB file with the Khronos glTF-Validator (npm
// `gltf-validator`, a dev dependency of web/) and prints its JSON report.
// Usage: node tests/imaging/validate_gltf.mjs FILE
// Exit status: 0 when the report has no errors, 1 when it has, 2 on failure.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const validatorPath = path.resolve(here, '../../web/node_modules/gltf-validator/module.mjs');
const { validateBytes } = await import(pathToFileURL(validatorPath).href);

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate_gltf.mjs FILE');
  process.exit(2);
}
try {
  const bytes = new Uint8Array(await readFile(file));
  const report = await validateBytes(bytes, { uri: path.basename(file), maxIssues: 100 });
  console.log(JSON.stringify(report, null, 2));
  process.exit(report.issues.numErrors === 0 ? 0 : 1);
} catch (error) {
  console.error(`validation failed: ${error}`);
  process.exit(2);
}
