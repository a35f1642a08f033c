// The documentation page, /docs/, in a real browser (Debian's Chromium,
// headless): it loads, lists every route of /api/openapi.json with its
// method, logs no error, and asks no other host for anything.
//
//   node docs_page_test.mjs STACK_ENV_FILE
//
// Exits 0 when all holds; otherwise prints each failure and exits 1.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const env = Object.fromEntries(
  readFileSync(process.argv[2], "utf8")
    .split("\n")
    .filter((line) => line.includes("="))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);
const base = env.NOTES_URL;
const failures = [];

const document = await (await fetch(`${base}/api/openapi.json`)).json();
const routes = [];
for (const [path, item] of Object.entries(document.paths)) {
  for (const method of Object.keys(item)) {
    // Path-level keys that are not operations: parameters and extensions (x-...).
    if (method !== "parameters" && !method.startsWith("x-")) routes.push({ method, path });
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],  // CI runs as root
});
try {
  const page = await browser.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") failures.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => failures.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => failures.push(`request failed: ${request.url()}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) failures.push(`asked another host: ${url}`);
  });
  const response = await page.goto(`${base}/docs/`, { waitUntil: "networkidle" });
  if (response.status() !== 200) failures.push(`/docs/ answered ${response.status()}`);
  await page.waitForSelector(".opblock", { timeout: 15000 }).catch(() => failures.push("no route shown within 15 s"));

  // Swagger UI writes each operation as .opblock-<method> holding its path.
  const listed = await page.$$eval(".opblock", (blocks) =>
    blocks.map((block) => ({
      method: [...block.classList].find((c) => /^opblock-(get|post|put|patch|delete)$/.test(c))?.slice(8),
      path: block.querySelector(".opblock-summary-path")?.getAttribute("data-path"),
    })),
  );
  const key = (route) => `${route.method} ${route.path}`;
  const shown = new Set(listed.map(key));
  for (const route of routes) {
    if (!shown.has(key(route))) failures.push(`not listed: ${key(route)}`);
  }
  if (listed.length !== routes.length) failures.push(`${listed.length} operations shown, ${routes.length} documented`);
  // The renderer reports a document it cannot read in an errors box.
  if (await page.$(".errors-wrapper")) failures.push("the page shows errors about the document");
  const title = await page.textContent(".info .title");
  if (!title || !title.includes(document.info.title)) failures.push(`title: ${title}`);
} finally {
  await browser.close();
}

for (const failure of failures) console.error(failure);
console.log(`${routes.length} routes documented; ${failures.length} failures`);
process.exit(failures.length === 0 ? 0 : 1);
