// The OpenAPI document under Redocly's `recommended` rules and Spectral's
// `oas` rules, errors and warnings alike. A problem passes only where the
// document itself says why it stands: an `x-lint-accepted` object, on the
// node the problem is reported at or one above it, mapping the rule to the
// reason.
//
//   node lint.mjs OPENAPI_JSON
//
// Exits 1 on any problem without such a reason, and on a reason no problem
// needs any more.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const file = process.argv[2];
const here = dirname(fileURLToPath(import.meta.url));
const bin = (name) => join(here, "node_modules", ".bin", name);
const document = JSON.parse(readFileSync(file, "utf8"));

// Runs a linter that exits non-zero when it finds problems; its JSON either way.
const run = (command, args) => {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: here });
  } catch (error) {
    if (!error.stdout) throw error;
    return error.stdout;
  }
};

const problems = [];
const redocly = JSON.parse(run(bin("redocly"), ["lint", file, "--format=json", "--config", join(here, "redocly.yaml")]));
for (const problem of redocly.problems) {
  const at = problem.location[0].pointer.replace(/^#\//, "").split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  problems.push({ linter: "redocly", rule: problem.ruleId, at, message: problem.message });
}
const spectral = JSON.parse(run(bin("spectral"), ["lint", file, "--format=json", "--quiet", "--ruleset", join(here, ".spectral.yaml")]) || "[]");
for (const problem of spectral) {
  problems.push({ linter: "spectral", rule: problem.code, at: problem.path.map(String), message: problem.message });
}

// The reason the document gives for `rule` at `at` or above it, if any.
const accepted = (rule, at) => {
  for (let depth = at.length; depth >= 0; --depth) {
    const node = at.slice(0, depth).reduce((n, part) => n?.[part], document);
    const reason = node?.["x-lint-accepted"]?.[rule];
    if (reason) return { reason, where: at.slice(0, depth).join("/") };
  }
  return null;
};

let failed = 0;
const used = new Set();
for (const problem of problems) {
  const reason = accepted(problem.rule, problem.at);
  if (reason) {
    used.add(`${reason.where}:${problem.rule}`);
    console.log(`accepted  ${problem.linter} ${problem.rule} at /${problem.at.join("/")}: ${reason.reason}`);
  } else {
    ++failed;
    console.log(`FAIL      ${problem.linter} ${problem.rule} at /${problem.at.join("/")}: ${problem.message}`);
  }
}
// Every reason the document gives must still be needed.
const walk = (node, at) => {
  if (!node || typeof node !== "object") return;
  for (const rule of Object.keys(node["x-lint-accepted"] || {})) {
    if (!used.has(`${at.join("/")}:${rule}`)) {
      ++failed;
      console.log(`FAIL      x-lint-accepted ${rule} at /${at.join("/")} accepts a problem no linter reports`);
    }
  }
  for (const [key, value] of Object.entries(node)) walk(value, [...at, key]);
};
walk(document, []);
console.log(`${problems.length} problems, ${problems.length - failed} accepted by the document, ${failed} failures`);
process.exit(failed ? 1 : 0);
