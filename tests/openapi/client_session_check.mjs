// Runs client_session.ts as a new user of the service would: types generated
// from the stack's /api/openapi.json by openapi-typescript, the session
// checked to use them without a cast, compiled by tsc in strict mode, then
// run against the stack with a company of its own.
//
//   node client_session_check.mjs STACK_ENV_FILE
//
// Exits 1 when the types need a cast, do not compile, or the session fails.
import { execFileSync, execSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const bin = (name) => join(here, "node_modules", ".bin", name);
const env = Object.fromEntries(
  readFileSync(process.argv[2], "utf8")
    .split("\n")
    .filter((line) => line.includes("="))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1).replace(/^'|'$/g, "")]),
);

// 1. The types, from the document the stack serves.
mkdirSync(join(here, "generated"), { recursive: true });
writeFileSync(join(here, "generated", "openapi.json"), await (await fetch(`${env.NOTES_URL}/api/openapi.json`)).text());
execFileSync(bin("openapi-typescript"), [join(here, "generated", "openapi.json"), "-o", join(here, "generated", "notes.d.ts")],
  { stdio: "inherit" });

// 2. No escape from the types: a cast, a non-null assertion, `any` or a
// @ts- comment would let the session compile whatever the document says.
const source = join(here, "client_session.ts");
const text = readFileSync(source, "utf8");
const file = ts.createSourceFile(source, text, ts.ScriptTarget.Latest, true);
const escapes = [];
const visit = (node) => {
  const kind =
    ts.isAsExpression(node) && !(ts.isTypeReferenceNode(node.type) && node.type.getText() === "const") ? "a cast (as)"
    : ts.isTypeAssertionExpression(node) ? "a cast (<T>)"
    : ts.isNonNullExpression(node) ? "a non-null assertion (!)"
    : node.kind === ts.SyntaxKind.AnyKeyword ? "any"
    : null;
  if (kind) escapes.push(`${kind} at line ${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText()}`);
  ts.forEachChild(node, visit);
};
visit(file);
if (/@ts-(ignore|expect-error|nocheck)/.test(text)) escapes.push("a @ts- comment");
if (escapes.length) {
  for (const escape of escapes) console.log(`FAIL the session needs ${escape}`);
  process.exit(1);
}

// 3. Strict compilation.
execFileSync(bin("tsc"), ["-p", join(here, "tsconfig.json")], { stdio: "inherit" });

// 4. The session, as a company of its own: an account id above 2^53 that no
// double holds, as the gateway's are.
const notesctl = (command) => execSync(`${env.NOTES_CTL} ${command}`, { encoding: "utf8" }).trim();
const tag = `client-session-${process.pid}`;
const company = notesctl(`company add --name ${tag}`);
const owner = notesctl(`user add --company ${company} --role owner --username ${tag}-owner --first-name owner`);
const staff = notesctl(`user add --company ${company} --role staff --username ${tag}-staff --first-name staff`);
const account = (4611686018427387904n + 2n * BigInt(Math.floor(Math.random() * 2 ** 40)) + 1n).toString();
notesctl(`account add --company ${company} --id ${account}`);
let status = 0;
try {
  execFileSync(process.execPath, [join(here, "build", "client_session.js")], {
    stdio: "inherit",
    env: {
      ...process.env,
      NOTES_URL: env.NOTES_URL,
      NOTES_KEY: notesctl(`key issue --user ${owner}`),
      NOTES_CUSTOMER_ID: notesctl(`customer add --company ${company} --first-name ${tag}`),
      NOTES_STAFF_ID: staff,
      NOTES_ACCOUNT_ID: account,
    },
  });
} catch {
  status = 1;
}
// The company goes with everything it holds (as the schema's owner, which deletes history).
if (env.NOTES_ADMIN_CTL) execSync(`${env.NOTES_ADMIN_CTL} company delete --company ${company}`, { stdio: "ignore" });
process.exit(status);
