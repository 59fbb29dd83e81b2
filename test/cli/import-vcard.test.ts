// vCards as iCloud, Google Contacts and Android export them (test/fixtures/imports/*-vcard/): imported with
// nothing but the file, every detail kept with its label, nothing twice; contacts merged, never
// overwritten; and exported back (one file or one file per contact) so that khard reads them.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDbDir, ok, run, runJson, tempDir, ROOT } from "../helpers.js";

const IMPORTS = path.join(ROOT, "test", "fixtures", "imports");
const ICLOUD = path.join(IMPORTS, "icloud-vcard", "iCloud vCard.vcf");
const GOOGLE = path.join(IMPORTS, "google-vcard", "contacts.vcf");
const ANDROID = path.join(IMPORTS, "android-vcard", "00001.vcf");

const contacts = (dir: string) => runJson<any[]>(dir, ["contact", "list"]);
const byName = async (dir: string, name: string) => (await contacts(dir)).find((c) => c.name === name);

async function importOnce(file: string, added: number): Promise<string> {
  const dir = freshDbDir();
  const first = await run(dir, ["import", "contacts", file, "--json"]);
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ rows: added, added, updated: 0, skipped: 0, invalid: 0, issues: [] });
  return dir;
}

async function secondImportAddsNothing(dir: string, file: string, rows: number): Promise<void> {
  const again = await run(dir, ["import", "contacts", file, "--json"]);
  expect(JSON.parse(again.stdout)).toMatchObject({ rows, added: 0, updated: 0, skipped: rows });
  expect(await contacts(dir)).toHaveLength(rows);
}

describe("vCards as address books export them", () => {
  it("iCloud (3.0): labels from TYPE and X-ABLabel, X-APPLE-OMIT-YEAR birthday, X-ABDATE anniversary, profiles, a company card", async () => {
    const dir = await importOnce(ICLOUD, 3);
    const chi = await byName(dir, "Dr. Chiamaka Adaeze Okafor PhD");
    expect(chi).toMatchObject({
      email: "chiamaka@lagoon.example",
      phone: "+234 803 555 0101",
      company: "Lagoon Analytics",
      title: "Principal Scientist",
      note: "Met at the Lagos data summit, keen on a workshop.\nCall before 11 (WAT).",
    });
    expect(chi.fields).toEqual({
      "email label": "work",
      "email 2": "chi.okafor@mail.example",
      "email 2 label": "home",
      "phone label": "mobile",
      "phone 2": "+234 1 555 0102",
      "phone 2 label": "work",
      "name prefix": "Dr.",
      "name suffix": "PhD",
      nickname: "Chi",
      department: "Research",
      // The year Apple writes as a stand-in (1604) is not a year of birth.
      birthday: "--03-15",
      anniversary: "2016-06-18",
      address: "14 Adeola Odeku Street, Lagos, 101241, Nigeria",
      "address label": "work",
      // `https\://` and a folded line read as the URL they are.
      website: "https://lagoon.example",
      "profile linkedin": "https://www.linkedin.com/in/chiokafor",
      "im skype": "skype:chi.okafor",
    });
    // X-ABShowAs:COMPANY: the card is a company, named by its organisation.
    expect(await byName(dir, "Fjällräven Bakery AB")).toMatchObject({
      company: "Fjällräven Bakery AB",
      phone: "+46 8 555 010 20",
      fields: { kind: "org", "email label": "work", "phone label": "main" },
    });
    // A label of the user's own (X-ABLabel:Newsletter) is kept as written, in lower case.
    expect((await byName(dir, "Søren Kierkegaard")).fields).toMatchObject({
      "email label": "newsletter",
      birthday: "1813-05-05",
      "profile twitter": "http://twitter.com/entenEller",
    });
    await secondImportAddsNothing(dir, ICLOUD, 3);
  });

  it("Google Contacts (3.0): TYPE labels, ORG with department, item X-ABLabel on URLs and dates, --MMDD birthday, categories as tags", async () => {
    const dir = await importOnce(GOOGLE, 2);
    const mateus = await byName(dir, "Mateus Oliveira");
    expect(mateus).toMatchObject({
      email: "mateus@cafezal.example",
      phone: "+55 11 95555-0101",
      company: "Cafézal Torrefação",
      title: "Gerente Comercial",
      note: "Compra grãos verdes todo trimestre.\nPrefere e-mail.",
      tags: ["Clients", "myContacts"],
    });
    expect(mateus.fields).toEqual({
      "email label": "work",
      "email 2": "teu.oliveira@correio.example",
      "email 2 label": "home",
      "phone label": "mobile",
      "phone 2": "+55 11 3555-0102",
      "phone 2 label": "work",
      nickname: "Teu",
      department: "Vendas",
      birthday: "1988-07-04",
      anniversary: "2014-09-20",
      address: "Av. Paulista, 1000, São Paulo, SP, 01310-100, Brasil",
      "address label": "work",
      website: "http://cafezal.example/loja",
      "website label": "blog",
    });
    expect((await byName(dir, "Aiyana Redcloud")).fields).toEqual({
      "name prefix": "Ms.",
      birthday: "--04-12",
      "phone label": "mobile",
      website: "https://www.linkedin.com/in/aiyana-redcloud",
      "website label": "profile",
    });
    await secondImportAddsNothing(dir, GOOGLE, 2);
  });

  it("Android (2.1): QUOTED-PRINTABLE in UTF-8 and ISO-8859-1 with soft line breaks, bare TYPEs, X-ANDROID-CUSTOM, the photo skipped", async () => {
    const dir = await importOnce(ANDROID, 3);
    const lucia = await byName(dir, "Dra. Lucía Álvarez");
    expect(lucia).toMatchObject({
      email: "lucia@clinica-sol.example",
      phone: "+34 600 555 101",
      company: "Clínica del Sol",
      title: "Jefa de Pediatría",
      // A soft line break joins the note's two lines; =0A is its line break; "," and ";" are text in 2.1.
      note: "Prefiere que la llamen por la tarde; nunca los domingos. Pregunta por la consulta del miércoles.\nHabla inglés.",
    });
    expect(lucia.fields).toEqual({
      "email label": "work",
      "email 2": "lucia.alvarez@correo.example",
      "email 2 label": "home",
      "phone label": "mobile",
      "phone 2": "+34 91 555 01 02",
      "phone 2 label": "work",
      "name prefix": "Dra.",
      nickname: "Lucí",
      department: "Pediatría",
      birthday: "1984-02-29",
      anniversary: "2011-05-21",
      address: "Calle de Alcalá 12, Madrid, 28014, España",
      "address label": "home",
      website: "https://clinica-sol.example",
      "im skype": "lucia.alvarez.md",
    });
    expect(await byName(dir, "Fontanero urgente")).toMatchObject({
      email: null,
      phone: "+34 600 555 199",
      fields: { birthday: "--05-21", "phone label": "home" },
    });
    expect(await byName(dir, "Jürgen Müller")).toMatchObject({
      company: "Müller Druck GmbH",
      fields: { "phone label": "work", "phone 2": "+49 30 5550 1004", "phone 2 label": "work fax" },
    });
    await secondImportAddsNothing(dir, ANDROID, 3);
  });
  it("refuses a preset, which describes a CSV export, for a vCard file (exit 2, nothing imported)", async () => {
    const dir = freshDbDir();
    const r = await run(dir, ["import", "contacts", GOOGLE, "--preset", "linkedin"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the preset "linkedin" describes a CSV export');
    expect(await contacts(dir)).toEqual([]);
  });
});

describe("--on-duplicate update merges, never overwrites", () => {
  it("adds the emails and phones the contact lacks with their labels, fills empty details, keeps everything it had", async () => {
    const dir = freshDbDir();
    ok(
      await run(dir, [
        "add",
        "Mateus Oliveira",
        "--email",
        "mateus@cafezal.example",
        "--phone",
        "+55 11 3555 0102",
        "--company",
        "Cafézal",
        "--field",
        "email 2=mateus.private@example.org",
        "--field",
        "website=https://old.example",
        "--note",
        "Met at the fair.",
      ]),
    );
    const r = await run(dir, ["import", "contacts", GOOGLE, "--on-duplicate", "update", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 1, updated: 1 });
    const mateus = await byName(dir, "Mateus Oliveira");
    // The email it was found by and the phone it had stay first; the same number spelled otherwise is not added twice.
    expect(mateus).toMatchObject({
      email: "mateus@cafezal.example",
      phone: "+55 11 3555 0102",
      company: "Cafézal Torrefação",
      note: "Met at the fair.\nCompra grãos verdes todo trimestre.\nPrefere e-mail.",
    });
    expect(mateus.fields).toMatchObject({
      "email label": "work",
      "email 2": "mateus.private@example.org",
      "email 3": "teu.oliveira@correio.example",
      "email 3 label": "home",
      "phone label": "work",
      "phone 2": "+55 11 95555-0101",
      "phone 2 label": "mobile",
      website: "https://old.example",
      "website 2": "http://cafezal.example/loja",
      "website 2 label": "blog",
      department: "Vendas",
      birthday: "1988-07-04",
    });
    // Merged once, the same file changes nothing more.
    const again = await run(dir, ["import", "contacts", GOOGLE, "--on-duplicate", "update", "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, updated: 0, skipped: 2 });
  });

  it("crm contact merge keeps both people's emails and phones", async () => {
    const dir = freshDbDir();
    ok(await run(dir, ["add", "Ada", "--email", "ada@work.example", "--phone", "+44 1"]));
    ok(await run(dir, ["add", "Ada L", "--email", "ada@home.example", "--phone", "+44 2", "--field", "email 2=ada@old.example"]));
    ok(await run(dir, ["contact", "merge", "ada@work.example", "ada@home.example", "--yes"]));
    const [ada] = await contacts(dir);
    expect(ada).toMatchObject({ name: "Ada", email: "ada@work.example", phone: "+44 1" });
    expect(ada.fields).toEqual({ "email 2": "ada@home.example", "email 3": "ada@old.example", "phone 2": "+44 2" });
  });
});

describe("vCard export writes what was imported", () => {
  async function exported(): Promise<{ dir: string; text: string }> {
    const dir = await importOnce(ICLOUD, 3);
    const file = path.join(dir, "out.vcf");
    ok(await run(dir, ["export", "contacts", "-o", file]));
    return { dir, text: fs.readFileSync(file, "utf8").replace(/\r\n[ \t]/g, "") };
  }

  it("N with prefix and suffix, NICKNAME, ORG with department, ADR, URL, BDAY without year, ANNIVERSARY, preferred email and phone, KIND:org", async () => {
    const { text } = await exported();
    const chi = text.split("END:VCARD")[0]!;
    for (const line of [
      "N:Okafor;Chiamaka Adaeze;;Dr.;PhD",
      "NICKNAME:Chi",
      "EMAIL;TYPE=work;PREF=1:chiamaka@lagoon.example",
      "EMAIL;TYPE=home:chi.okafor@mail.example",
      "TEL;TYPE=cell;PREF=1:+234 803 555 0101",
      "TEL;TYPE=work:+234 1 555 0102",
      "ORG:Lagoon Analytics;Research",
      "ADR;TYPE=work:;;14 Adeola Odeku Street\\, Lagos\\, 101241\\, Nigeria;;;;",
      "URL:https://lagoon.example",
      "BDAY:--0315",
      "ANNIVERSARY:20160618",
      "X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.com/in/chiokafor",
      "IMPP;X-SERVICE-TYPE=skype:skype:chi.okafor",
    ])
      expect(chi.split("\r\n")).toContain(line);
    const bakery = text.split("END:VCARD").find((c) => c.includes("Fjällräven"))!;
    expect(bakery.split("\r\n")).toEqual(expect.arrayContaining(["KIND:org", "N:;;;;", "TEL;TYPE=main;PREF=1:+46 8 555 010 20"]));
  });

  it("reads back into the same contacts", async () => {
    const { dir } = await exported();
    const fresh = freshDbDir();
    ok(await run(fresh, ["import", "contacts", path.join(dir, "out.vcf")]));
    const strip = (list: any[]) => list.map(({ id: _i, createdAt: _c, updatedAt: _u, lastInteractionAt: _l, source: _s, ...rest }) => rest);
    expect(strip(await contacts(fresh))).toEqual(strip(await contacts(dir)));
  });

  it("--split writes one <uid>.vcf per contact, and again the same files", async () => {
    const dir = await importOnce(ANDROID, 3);
    const book = path.join(tempDir(), "book");
    const r = await run(dir, ["export", "contacts", "--split", book]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote 3 contacts to ${book}/, one file each`);
    const files = fs.readdirSync(book).sort();
    expect(files).toHaveLength(3);
    for (const f of files) {
      expect(f).toMatch(/^[0-9a-f-]{36}\.vcf$/);
      const card = fs.readFileSync(path.join(book, f), "utf8");
      expect(card.match(/BEGIN:VCARD/g)).toHaveLength(1);
      expect(card).toContain(`UID:urn:uuid:${f.slice(0, -4)}`);
    }
    ok(await run(dir, ["export", "contacts", "--split", book]));
    expect(fs.readdirSync(book).sort()).toEqual(files);
  });

  it("--split refuses other exports, another format and -o (exit 2)", async () => {
    const dir = freshDbDir();
    const book = path.join(tempDir(), "book");
    for (const [args, message] of [
      [["export", "deals", "--split", book], "--split writes contacts as vCards"],
      [["export", "contacts", "--split", book, "--format", "csv"], "--split writes vCards, not csv"],
      [["export", "contacts", "--split", book, "-o", "x.vcf"], "--split and -o both say where to write"],
    ] as const) {
      const r = await run(dir, [...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(fs.existsSync(book)).toBe(false);
  });

  const khard = (() => {
    try {
      execFileSync("khard", ["--version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!khard)(
    "khard lists the --split folder: names, preferred phone and email, a company as an organisation (skipped when khard is not installed)",
    async () => {
      const dir = await importOnce(ICLOUD, 3);
      const base = tempDir();
      const book = path.join(base, "book");
      ok(await run(dir, ["export", "contacts", "--split", book]));
      const config = path.join(base, "khard.conf");
      fs.writeFileSync(config, `[addressbooks]\n[[crm]]\npath = ${book}\n[general]\ndefault_action = list\n`);
      const list = execFileSync("khard", ["-c", config, "list", "--parsable"], { encoding: "utf8", env: { ...process.env, HOME: base } });
      const rows = list
        .trim()
        .split("\n")
        .map((l) => l.split("\t"));
      expect(rows.map((r) => r[1]).sort()).toEqual(["Chiamaka Adaeze Okafor", "Fjällräven Bakery AB", "Søren Kierkegaard"]);
      const yaml = execFileSync("khard", ["-c", config, "show", "--format", "yaml", "Okafor"], { encoding: "utf8", env: { ...process.env, HOME: base } });
      expect(yaml).toMatch(/Prefix: Dr\./);
      expect(yaml).toMatch(/Birthday: --03-15/);
      expect(yaml).toMatch(/- Lagoon Analytics\n\s+- Research/);
      expect(yaml).toMatch(/work, pref=1: chiamaka@lagoon\.example/);
    },
  );
});
