// New layer from … (issue 17): coverage of uploaded Sigma rules (one broken: the report names it
// with line and column), a heatmap of ICS 18.1 groups and the gaps of two open tabs, each made
// in the New layer dialog and opened as a tab; every layer equals the CLI's on the same input.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { newPage, cli, layer } from "./lib/harness.mjs";

const RULES = {
  "lnx_base64.yml": "title: Base64 decoding on Linux\nid: 1a2b3c4d-0000-4000-8000-000000000001\nstatus: test\n" +
    "logsource:\n  product: linux\n  category: process_creation\ndetection:\n  selection:\n    Image|endswith: /base64\n" +
    "  condition: selection\ntags:\n  - attack.execution\n  - attack.t1059.004\n  - attack.t1027\nlevel: medium\n",
  "lnx_curl.yml": "title: Curl download to tmp\nid: 1a2b3c4d-0000-4000-8000-000000000002\nstatus: test\n" +
    "logsource:\n  product: linux\n  category: process_creation\ndetection:\n  selection:\n    Image|endswith: /curl\n" +
    "  condition: selection\ntags:\n  - attack.t1105\n  - attack.t1059.004\n  - attack.t1999\nlevel: high\n",
  // YAML error: an unclosed flow sequence.
  "broken.yml": "title: Broken rule\nid: 1a2b3c4d-0000-4000-8000-000000000003\ndetection:\n  selection:\n" +
    "    Image: [a, b\n  condition: selection\ntags:\n  - attack.t1003\n",
};

/** The entries of a layer that the matrix shows: ID, tactic, score, colour, sorted. */
const entries = (l) => l.techniques.map((t) => [t.techniqueID, t.tactic || "", t.score ?? null, t.color || ""].join("|")).sort();
/** The layer of the tab on screen. */
const shown = (page) => page.evaluate(() => window.navlayerDebug.doc().layer);

export const tests = [
  {
    name: "coverage of 3 uploaded Sigma rules, a heatmap of ICS 18.1 groups, gaps of two tabs: the CLI's layers",
    async run({ base, browser, api, bin, data, out }) {
      const dir = mkdtempSync(join(tmpdir(), "navlayer-newfrom-"));
      const rules = join(dir, "rules");
      spawnSync("mkdir", [rules]);
      for (const [n, t] of Object.entries(RULES)) writeFileSync(join(rules, n), t);
      const cov = spawnSync(bin, ["--offline", "--data", data, "coverage", "sigma", rules, "--name", "Sigma rules", "-o", join(dir, "cov.json"),
        "--report", "json", "--report-out", join(dir, "report.json")], { encoding: "utf8" });
      assert.equal(cov.status, 1, "the CLI exits 1 for the broken rule: " + cov.stderr);
      const expected = JSON.parse(readFileSync(join(dir, "cov.json"), "utf8"));
      const broken = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")).files.find((f) => f.outcome === "failed");
      assert.ok(broken.path.endsWith("broken.yml") && broken.line > 0, "the CLI reports the broken rule with its line");
      const threat = layer("Threat for gaps", [{ techniqueID: "T1003", tactic: "credential-access", score: 3 },
        { techniqueID: "T1059.004", tactic: "execution", score: 2 }, { techniqueID: "T1105", tactic: "command-and-control", score: 1 }]);
      await api.store("nf-threat", threat);
      writeFileSync(join(dir, "threat.json"), JSON.stringify(threat));

      const { page, done } = await newPage(browser, base);
      await page.goto(base + "/");
      const t0 = Date.now();
      await page.getByRole("button", { name: "New layer" }).click();
      const dialog = page.getByRole("dialog", { name: "New layer" });
      await dialog.getByLabel("Name").fill("Sigma rules");
      await dialog.getByLabel("New layer from").selectOption("coverage");
      await dialog.getByLabel("Rule files").setInputFiles(Object.keys(RULES).map((n) => join(rules, n)));
      await dialog.getByLabel("Format").selectOption("sigma");
      await dialog.screenshot({ path: join(out, "newfrom-dialog.png") });
      await dialog.getByRole("button", { name: "Create coverage layer" }).click();
      await page.getByRole("tab", { name: "Sigma rules" }).waitFor();
      assert.deepEqual(entries(await shown(page)), entries(expected), "the tab's techniques and scores are `navlayer coverage sigma`'s");
      const report = page.getByRole("region", { name: "Report of the new layer" });
      const text = await report.textContent();
      assert.match(text, /3 files: 2 parsed, 0 skipped, 1 failed/);
      assert.ok(text.includes("failed: broken.yml:" + broken.line + ":" + broken.column), "the report names broken.yml:line:column: " + text);
      assert.match(text, /Unknown IDs: T1999/);
      await page.screenshot({ path: join(out, "newfrom-report.png") });

      // A heatmap of the groups of ICS 18.1.
      await page.getByRole("button", { name: "New layer" }).click();
      await dialog.getByLabel("Name").fill("ICS groups");
      await dialog.getByLabel("Domain").selectOption("ics-attack");
      await dialog.getByLabel("ATT&CK release").selectOption("18.1");
      await dialog.getByLabel("New layer from").selectOption("heatmap");
      await dialog.getByLabel("Kind").selectOption("groups");
      await dialog.getByRole("button", { name: "Create heatmap" }).click();
      await page.getByRole("tab", { name: "ICS groups" }).waitFor();
      const heat = JSON.parse(cli(bin, data, ["heatmap", "groups", "--domain", "ics", "--attack-version", "18.1"]));
      const ics = await shown(page);
      assert.equal(ics.domain, "ics-attack");
      assert.ok(heat.techniques.length > 10);
      assert.deepEqual(entries(ics), entries(heat), "the heatmap tab is `navlayer heatmap groups --domain ics`'s");

      // Gaps: the threat tab against the Sigma tab (the ICS tab unticked).
      await page.getByRole("navigation", { name: "Layers" }).getByRole("button", { name: /^Threat for gaps/ }).click();
      await page.getByRole("tab", { name: "Threat for gaps" }).waitFor();
      await page.getByRole("button", { name: "New layer" }).click();
      await dialog.getByLabel("Name").fill("Gaps of the threat");
      await dialog.getByLabel("New layer from").selectOption("gaps");
      await dialog.getByLabel("Threat layer").selectOption({ label: "Threat for gaps" });
      assert.equal(await dialog.getByLabel("Sigma rules").isChecked(), true);
      await dialog.getByLabel("ICS groups").uncheck();
      await dialog.getByRole("button", { name: "Create gaps layer" }).click();
      await page.getByRole("tab", { name: "Gaps of the threat" }).waitFor();
      console.log("     coverage, heatmap and gaps through the dialog: " + (Date.now() - t0) + " ms");
      const gaps = JSON.parse(cli(bin, data, ["gaps", join(dir, "threat.json"), join(dir, "cov.json"), "--name", "Gaps of the threat"]));
      const mine = await shown(page);
      assert.deepEqual(entries(mine), entries(gaps), "the gaps tab is `navlayer gaps`'s");
      assert.deepEqual(mine.techniques.filter((t) => t.score).map((t) => t.techniqueID), ["T1003"], "T1003 is the only gap");
      assert.equal(await page.getByRole("tab").count(), 4);
      await done();
    },
  },
];
