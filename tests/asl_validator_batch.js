#!/usr/bin/env node
// Long-lived batch front end to asl-validator, used by tests/oracles.py.
//
// Usage: node asl_validator_batch.js [NODE_MODULES_DIR]
//   NODE_MODULES_DIR defaults to $SFS3DSL_TOOLS/asl-validator/node_modules
//   ($SFS3DSL_TOOLS defaults to ~/.cache/sfs3dsl-tools), where scripts/install-oracles.sh puts it.
//
// Protocol (JSON lines, UTF-8):
//   first line out: {"ready": true, "version": "4.0.0"}
//   each line in:   {"id": ..., "definition": {...}, "options": {"checkArn": bool, "checkPaths": bool}}
//                   ("options" is optional; both checks are on by default, as in the CLI)
//   one line out per line in, in order:
//                   {"id": ..., "isValid": bool, "errors": ["CODE: message", ...], "crashed": bool}
//   "crashed" is true when asl-validator threw instead of answering (e.g. a definition that is
//   not an object); the exception text is then the only error.
//   A line that is not JSON gets {"id": null, "protocolError": "..."}.
// The process ends when stdin closes. Exit 2 if asl-validator cannot be loaded.
"use strict";

const os = require("os");
const path = require("path");
const readline = require("readline");

const EXPECTED_VERSION = "4.0.0";

function modulesDir() {
  if (process.argv.length > 2 && process.argv[2]) {
    return path.resolve(process.argv[2]);
  }
  const tools = process.env.SFS3DSL_TOOLS || path.join(os.homedir(), ".cache", "sfs3dsl-tools");
  return path.join(tools, "asl-validator", "node_modules");
}

function load() {
  const dir = modulesDir();
  let version;
  let validator;
  try {
    version = require(path.join(dir, "asl-validator", "package.json")).version;
    validator = require(path.join(dir, "asl-validator"));
  } catch (err) {
    process.stderr.write(
      `asl_validator_batch: cannot load asl-validator from ${dir}: ${err.message}\n` +
        "run scripts/install-oracles.sh\n",
    );
    process.exit(2);
  }
  if (version !== EXPECTED_VERSION) {
    process.stderr.write(
      `asl_validator_batch: asl-validator ${version} in ${dir}, expected ${EXPECTED_VERSION}\n`,
    );
    process.exit(2);
  }
  return { version, validator };
}

function errorText(error) {
  if (error && typeof error === "object" && "Error code" in error) {
    return `${error["Error code"]}: ${error.Message}`;
  }
  return typeof error === "string" ? error : JSON.stringify(error);
}

function validate(validator, request) {
  const options = { checkArn: true, checkPaths: true, ...(request.options || {}) };
  // asl-validator writes QueryLanguage into every state of what it is given: hand it a copy
  // so that nothing shared (here, the request) is ever changed.
  const definition = structuredClone(request.definition);
  try {
    const result = validator(definition, options);
    return {
      id: request.id,
      isValid: result.isValid === true,
      errors: result.errors.map(errorText),
      crashed: false,
    };
  } catch (err) {
    const text = err && err.stack ? String(err.stack).split("\n")[0] : String(err);
    return { id: request.id, isValid: false, errors: [`VALIDATOR_EXCEPTION: ${text}`], crashed: true };
  }
}

function main() {
  const { version, validator } = load();
  const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
  out({ ready: true, version });

  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (line.trim() === "") {
      return;
    }
    let request;
    try {
      request = JSON.parse(line);
    } catch (err) {
      out({ id: null, protocolError: `not JSON: ${err.message}` });
      return;
    }
    if (request === null || typeof request !== "object" || !("definition" in request)) {
      out({ id: null, protocolError: 'expected {"id": ..., "definition": ...}' });
      return;
    }
    out(validate(validator, request));
  });
}

main();
