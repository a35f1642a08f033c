// A schema-driven conformance pass against a running stack (issue: clients
// generated from our OpenAPI work unchanged). For every operation of
// /api/openapi.json it sends requests generated from the document itself,
// and checks every answer against the document:
//
//   - no 5xx, ever;
//   - the status is one the operation documents, its Content-Type the one
//     documented for it, its body valid against that schema, and every
//     header the response marks required present and valid;
//   - a request the document allows is not refused as malformed (400 with a
//     validation code): the document must say every rule the server holds;
//   - a request the document forbids (a required field dropped, a field of
//     the wrong type or unknown, an id out of range) is never a 2xx.
//
// Ids come from the document's links: each answer's links are evaluated, and
// an operation is sent the ids its links named (a new note's id, its ETag,
// a feed's next cursor), sometimes an id drawn from the schema instead. The
// opaque cursors (`since`, `cursor`) are only ever taken from answers.
// Bodies and parameters come from json-schema-faker with a fixed seed, each
// checked with Ajv against its schema before it is sent.
//
//   node conformance.mjs STACK_ENV_FILE [--seconds N] [--rounds N] [--document FILE]
//
// --document checks the stack against a document not yet compiled in.
//
// Prints a line per operation (requests sent, statuses seen) and each failure;
// exits 1 on any failure or when an operation was never sent.
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { createGeneratorSync } from "json-schema-faker";

const args = process.argv.slice(2);
const text_option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const option = (name, fallback) => Number(text_option(name) ?? fallback);
const env = Object.fromEntries(
  readFileSync(args[0], "utf8")
    .split("\n")
    .filter((line) => line.includes("="))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1).replace(/^'|'$/g, "")]),
);
const base = env.NOTES_URL;
const deadline = Date.now() + option("--seconds", 120) * 1000;
const rounds = option("--rounds", 12);
const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`FAIL ${what}`);
};

// --- the document, its schemas and a validator for them -------------------
const document = text_option("--document")
  ? JSON.parse(readFileSync(text_option("--document"), "utf8"))
  : await (await fetch(`${base}/api/openapi.json`)).json();
const pointer = (path) =>
  path
    .replace(/^#\//, "")
    .split("/")
    .reduce((node, part) => node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], document);
const escape = (part) => part.replace(/~/g, "~0").replace(/\//g, "~1");
const resolve = (node) => (node && node.$ref ? resolve(pointer(node.$ref)) : node);
// The schema with every local $ref written out (none of ours is recursive).
const inline = (node) => {
  if (Array.isArray(node)) return node.map(inline);
  if (!node || typeof node !== "object") return node;
  if (node.$ref) {
    const { $ref, ...rest } = node;
    return inline({ ...pointer($ref), ...rest });
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inline(value)]));
};

const ajv = new Ajv2020({ strict: false, allErrors: true, formats: { password: true } });
addFormats(ajv);
ajv.addSchema({ ...document, $id: "openapi" }, "openapi");
const compiled = new Map();
const validator = (path) => {
  if (!compiled.has(path)) compiled.set(path, ajv.compile({ $ref: `openapi${path}` }));
  return compiled.get(path);
};
const check = (path, value) => {
  const validate = validator(path);
  return validate(value) ? null : ajv.errorsText(validate.errors, { dataVar: "body" });
};

// --- a seeded generator: the same requests on every run --------------------
const generator = createGeneratorSync({ seed: 20261207, maxLength: 40, maxItems: 3, optionalsProbability: 0.5 });
let seed = 20261207;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
// A value its schema accepts, or undefined when twenty tries found none.
const valid_value = (schema_path) => {
  const schema = inline(pointer(schema_path));
  for (let attempt = 0; attempt < 20; ++attempt) {
    const value = generator.generate(schema);
    if (check(schema_path, value) === null) return value;
  }
  return undefined;
};

// --- who calls: a company of the stack's own, made with notesctl -----------
const notesctl = (command) => execSync(`${env.NOTES_CTL} ${command}`, { encoding: "utf8" }).trim();
const tag = `conformance-${process.pid}`;
const company = notesctl(`company add --name ${tag}`);
const user = (role) => notesctl(`user add --company ${company} --role ${role} --username ${tag}-${role} --first-name ${role}`);
const owner = user("owner");
const staff = user("staff");
const owner_key = notesctl(`key issue --user ${owner}`);
const password = `conformance-${Math.floor(random() * 1e9)}-password`;
execSync(`${env.NOTES_CTL} user passwd --user ${owner}`, { input: `${password}\n` });
const customer = notesctl(`customer add --company ${company} --first-name ${tag}`);
const account = notesctl(`account add --company ${company}`);

// Values for path parameters no link names: the company's own records.
const seeds = { customer_id: [customer], account_id: [account], user_id: [staff] };
// What each operation's links named: operationId -> [{parameters, body}].
const linked = new Map();

// --- the operations ---------------------------------------------------------
const operations = [];
for (const [path, item] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    if (["parameters", "summary", "description", "servers"].includes(method) || method.startsWith("x-")) continue;
    const parameters = [...(item.parameters || []), ...(operation.parameters || [])].map((p, i, all) => {
      const resolved = resolve(p);
      const own = (operation.parameters || []).includes(p);
      const where = own
        ? `#/paths/${escape(path)}/${method}/parameters/${operation.parameters.indexOf(p)}`
        : `#/paths/${escape(path)}/parameters/${item.parameters.indexOf(p)}`;
      return { ...resolved, schema_path: `${p.$ref || where}/schema` };
    });
    operations.push({ path, method, operation, parameters, seen: new Map(), sent: 0 });
  }
}
const opaque = new Set(["since", "cursor"]);
// Rules across parameters, which a schema cannot say; docs/api.md and each
// parameter's description state them.
const across_parameters = (query) => {
  if (query.cursor !== undefined) {
    delete query.page_number;
    delete query.page;
  }
  if (query.page !== undefined && query.page_number !== undefined) query.page = query.page_number;
  if (query.sort?.endsWith("relevance") && query.q === undefined) delete query.sort;
  // A long poll waits up to `wait` seconds: kept short to bound the pass.
  if (query.wait !== undefined) query.wait = Math.min(query.wait, 1);
};

const validation_codes = new Set(["invalid_request", "invalid_field", "invalid_parameter", "invalid_json", "bad_request",
  "invalid_idempotency_key", "invalid_body"]);

// One request built from the document: valid, or broken in one way.
function build(op, broken) {
  const from_links = linked.get(op.operation.operationId) || [];
  const link = from_links.length && random() < 0.9 ? pick(from_links) : null;
  const request = { path: {}, query: {}, headers: {}, body: undefined, broken: null };
  for (const p of op.parameters) {
    let value;
    if (link && link.parameters[p.name] !== undefined) value = link.parameters[p.name];
    else if (p.in === "path") value = seeds[p.name] && random() < 0.9 ? pick(seeds[p.name]) : valid_value(p.schema_path);
    else if (opaque.has(p.name)) continue;
    else if (p.deprecated || (!p.required && random() < 0.6)) continue;
    else value = valid_value(p.schema_path);
    if (value === undefined) continue;
    const target = { path: request.path, query: request.query, header: request.headers }[p.in];
    target[p.name] = value;
  }
  across_parameters(request.query);
  const body = op.operation.requestBody;
  if (body) {
    const media = Object.keys(body.content)[0];
    const schema_path = `#/paths/${escape(op.path)}/${op.method}/requestBody/content/${escape(media)}/schema`;
    request.media = media;
    request.body = link?.body ? structuredClone(link.body) : valid_value(schema_path);
    if (request.body && typeof request.body === "object" && "account_id" in request.body) {
      request.body.account_id = request.path.account_id;  // must equal the path's (docs/api.md)
    }
    request.body_schema = inline(pointer(schema_path));
  }
  if (broken) breaks(op, request);
  return request;
}

// Breaks a valid request one way the document forbids; null when it cannot.
function breaks(op, request) {
  const ways = [];
  const schema = request.body_schema;
  if (schema?.properties && request.body && typeof request.body === "object") {
    for (const name of schema.required || []) ways.push(() => (delete request.body[name], `body without ${name}`));
    if (schema.additionalProperties === false) ways.push(() => ((request.body.no_such_field = 1), "an unknown body field"));
    for (const [name, property] of Object.entries(schema.properties)) {
      const types = [].concat(property.type || []);
      if (types.length && !types.includes("object")) ways.push(() => ((request.body[name] = { wrong: true }), `${name} an object`));
    }
  }
  for (const p of op.parameters) {
    if (p.in === "path") ways.push(() => ((request.path[p.name] = pick(["0", "abc", "99999999999999999999"])), `${p.name} out of range`));
    const schema_of = resolve(pointer(p.schema_path));
    if (p.in === "query" && schema_of?.enum) ways.push(() => ((request.query[p.name] = "no-such-value"), `${p.name} outside its enum`));
    if (p.in === "query" && schema_of?.type === "integer" && schema_of.maximum !== undefined) {
      ways.push(() => ((request.query[p.name] = schema_of.maximum + 1), `${p.name} above its maximum`));
    }
  }
  request.broken = ways.length ? pick(ways)() : null;
}

async function send(op, request) {
  let url = op.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(String(request.path[name])));
  const query = new URLSearchParams(Object.entries(request.query).map(([k, v]) => [k, String(v)])).toString();
  if (query) url += `?${query}`;
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
  if (op.operation.security?.length !== 0) headers.Authorization = random() < 0.5 ? owner_key : `Bearer ${owner_key}`;
  let body;
  if (request.body !== undefined) {
    headers["Content-Type"] = request.media;
    body = request.media === "application/x-www-form-urlencoded"
      ? new URLSearchParams(Object.entries(request.body).map(([k, v]) => [k, String(v)])).toString()
      : JSON.stringify(request.body);
  }
  const answer = await fetch(base + url, { method: op.method.toUpperCase(), headers, body, signal: AbortSignal.timeout(30000) });
  const text = await answer.text();
  return { url, status: answer.status, headers: answer.headers, text };
}

// Checks one answer against the document; records the links it names.
function judge(op, request, answer) {
  const name = `${op.method.toUpperCase()} ${answer.url}${request.broken ? ` (${request.broken})` : ""}`;
  op.seen.set(answer.status, (op.seen.get(answer.status) || 0) + 1);
  if (answer.status >= 500) return fail(`${name}: ${answer.status} ${answer.text.slice(0, 200)}`);
  if (request.broken && answer.status < 300) return fail(`${name}: ${answer.status}, but the document forbids the request`);
  const responses = op.operation.responses;
  const documented = responses[answer.status] ? String(answer.status) : responses[`${String(answer.status)[0]}XX`] ? `${String(answer.status)[0]}XX` : null;
  if (!documented) return fail(`${name}: ${answer.status} is not documented for this operation: ${answer.text.slice(0, 200)}`);
  const response_path = `#/paths/${escape(op.path)}/${op.method}/responses/${documented}`;
  const response = resolve(responses[documented]);
  const where = responses[documented].$ref || response_path;
  const content = response.content;
  let parsed;
  if (content) {
    const type = (answer.headers.get("content-type") || "").split(";")[0].trim();
    if (!content[type]) return fail(`${name}: Content-Type ${type}, documented ${Object.keys(content).join(", ")}`);
    if (type === "application/json") {
      try {
        parsed = JSON.parse(answer.text);
      } catch {
        return fail(`${name}: not JSON: ${answer.text.slice(0, 200)}`);
      }
      const error = check(`${where}/content/${escape(type)}/schema`, parsed);
      if (error) return fail(`${name}: ${answer.status} body against its schema: ${error}: ${answer.text.slice(0, 300)}`);
    }
  } else if (answer.text.length) {
    return fail(`${name}: ${answer.status} has a body, documented none: ${answer.text.slice(0, 100)}`);
  }
  for (const [header_name, header] of Object.entries(response.headers || {})) {
    const spec = resolve(header);
    const value = answer.headers.get(header_name);
    if (value === null) {
      if (spec.required) fail(`${name}: no ${header_name} header`);
      continue;
    }
    // A header is described by a schema (JSON inside a string: its
    // contentSchema) or by a media type's schema.
    const header_at = header.$ref || `${where}/headers/${escape(header_name)}`;
    const schema = spec.schema;
    const json_schema_at = schema?.contentSchema ? `${header_at}/schema/contentSchema`
      : spec.content?.["application/json"] ? `${header_at}/content/application~1json/schema` : null;
    if (schema) {
      const error = check(`${header_at}/schema`, schema.type === "integer" ? Number(value) : value);
      if (error) fail(`${name}: header ${header_name}: ${value}: ${error}`);
    }
    if (json_schema_at) {
      let inner;
      try {
        inner = check(json_schema_at, JSON.parse(value));
      } catch {
        inner = "not JSON";
      }
      if (inner) fail(`${name}: header ${header_name}: ${value}: ${inner}`);
    }
  }
  if (!request.broken && answer.status === 400) {
    const code = parsed?.error;
    if (validation_codes.has(code) || parsed?.result === "error") {
      fail(`${name}: refused a request the document allows: ${answer.text.slice(0, 300)} ${JSON.stringify(request.body ?? "").slice(0, 200)}`);
    }
  }
  if (answer.status < 300) record_links(op, request, response, parsed, answer);
}

// Evaluates a response's links (runtime expressions) into what they name.
function record_links(op, request, response, body, answer) {
  const evaluate = (expression) => {
    if (typeof expression !== "string" || !expression.startsWith("$")) return expression;
    if (expression.startsWith("$request.path.")) return request.path[expression.slice(14)];
    if (expression.startsWith("$response.header.")) return answer.headers.get(expression.slice(17)) ?? undefined;
    if (expression.startsWith("$response.body#")) {
      return expression
        .slice(16)
        .split("/")
        .filter(Boolean)
        .reduce((node, part) => node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], body);
    }
    return undefined;
  };
  for (const link of Object.values(response.links || {})) {
    const parameters = Object.fromEntries(Object.entries(link.parameters || {}).map(([k, v]) => [k, evaluate(v)]));
    if (Object.values(parameters).some((v) => v === undefined || v === null)) continue;
    // A body's values may be expressions too, at any depth.
    const fill = (value) =>
      Array.isArray(value) ? value.map(fill)
      : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]))
      : evaluate(value);
    const body_of_link = link.requestBody && fill(link.requestBody);
    const list = linked.get(link.operationId) || [];
    list.push({ parameters, body: body_of_link });
    if (list.length > 20) list.shift();
    linked.set(link.operationId, list);
  }
}

// A login first, so that the token routes have a real refresh token to link.
linked.set("issueToken", [{ parameters: {}, body: { grant_type: "password", username: `${tag}-owner`, password, company_id: Number(company) } }]);

let sent = 0;
for (let round = 0; round < rounds && Date.now() < deadline; ++round) {
  for (const op of operations) {
    if (Date.now() >= deadline) break;
    const broken = round % 3 === 2;
    const request = build(op, broken);
    if (broken && !request.broken) continue;
    if (op.parameters.some((p) => p.in === "path" && request.path[p.name] === undefined)) continue;
    let answer;
    try {
      answer = await send(op, request);
    } catch (error) {
      fail(`${op.method.toUpperCase()} ${op.path}: no answer: ${error.message}`);
      continue;
    }
    ++sent;
    ++op.sent;
    judge(op, request, answer);
  }
}

for (const op of operations) {
  const statuses = [...op.seen.entries()].sort().map(([s, n]) => `${s}x${n}`).join(" ");
  console.log(`${op.method.toUpperCase().padEnd(6)} ${op.path.padEnd(62)} ${String(op.sent).padStart(3)} ${statuses}`);
  if (op.sent === 0) fail(`${op.method.toUpperCase()} ${op.path}: never sent`);
}
console.log(`${sent} requests, ${operations.length} operations, ${failures.length} failures`);
// The company goes with everything it holds (as the schema's owner, which deletes history).
if (env.NOTES_ADMIN_CTL) execSync(`${env.NOTES_ADMIN_CTL} company delete --company ${company}`, { stdio: "ignore" });
process.exit(failures.length ? 1 : 0);
