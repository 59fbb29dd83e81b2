// Contact CSVs exactly as Google Contacts (current and legacy), Outlook.com, Outlook desktop, HubSpot,
// LinkedIn and Thunderbird export them (test/fixtures/imports/<source>/): imported with nothing but
// the file, every detail kept with its label, the noise dropped, and nothing added twice.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDbDir, run, runJson, ROOT } from "../helpers.js";

const fixture = (...p: string[]) => path.join(ROOT, "test", "fixtures", "imports", ...p);
const contacts = (dir: string) => runJson<any[]>(dir, ["contact", "list"]);
const byName = async (dir: string, name: string) => (await contacts(dir)).find((c) => c.name === name);

/** Imports `file` into a fresh database with no option, checks the counts, and that a second import adds nothing. */
async function imported(file: string, added: number): Promise<{ dir: string; stderr: string }> {
  const dir = freshDbDir();
  const first = await run(dir, ["import", "contacts", file, "--json"]);
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ rows: added, added, skipped: 0, invalid: 0 });
  const again = await run(dir, ["import", "contacts", file, "--json"]);
  expect(JSON.parse(again.stdout)).toMatchObject({ rows: added, added: 0, updated: 0, skipped: added });
  expect(await contacts(dir)).toHaveLength(added);
  return { dir, stderr: first.stderr };
}

describe("contact CSVs as services export them", () => {
  it("Google Contacts (current): labels of E-mail/Phone/Address N - Label, year-less birthday, system groups dropped from tags", async () => {
    const { dir } = await imported(fixture("google-contacts", "contacts.csv"), 3);
    const wanjiru = await byName(dir, "Wanjiru Kamau");
    expect(wanjiru).toMatchObject({
      email: "wanjiru@savanna.example",
      phone: "+254 712 555 010",
      company: "Savanna Prints",
      title: "Founder",
      tags: ["Clients"],
    });
    expect(wanjiru.fields).toEqual({
      "email label": "work",
      "email 2": "wanji.k@mail.example",
      "email 2 label": "home",
      "phone label": "mobile",
      "phone 2": "+254 20 555 0110",
      "phone 2 label": "work",
      address: "Kimathi Street 5\nNairobi 00100\nKenya",
      "address label": "work",
      birthday: "--06-14",
      department: "Design",
      nickname: "Wanji",
      website: "https://savanna.example",
    });
    expect((await byName(dir, "Łukasz Wiśniewski")).fields).toMatchObject({ "Customer since": "2021" });
    // No name: the organisation names the contact.
    expect(await byName(dir, "Harbour Ferry Co")).toMatchObject({ phone: "+44 1632 960 123", email: null });
  });

  it("Google Contacts (legacy Google CSV): Name/Given Name, E-mail 1 - Type labels, Organization 1 - Name/Title/Department", async () => {
    const { dir } = await imported(fixture("google-contacts-legacy", "google.csv"), 2);
    const ingrid = await byName(dir, "Dr. Ingrid Solberg");
    expect(ingrid).toMatchObject({ email: "ingrid@fjordlab.example", company: "Fjordlab AS", title: "Lab Director", tags: ["Clients"] });
    expect(ingrid.fields).toMatchObject({
      "email label": "work",
      "email 2": "ingrid.solberg@post.example",
      "email 2 label": "home",
      department: "Marine Biology",
      "name prefix": "Dr.",
      address: "Strandgaten 12\n5013 Bergen\nNorway",
      "address label": "work",
    });
    expect((await byName(dir, "Tomás Ó Briain")).fields).toEqual({
      "email label": "other",
      "phone label": "home",
      "phone 2": "+353 87 555 0101",
      "phone 2 label": "mobile",
    });
  });

  it("Outlook.com: business and home address parts joined into two labelled addresses, the fax kept as a work fax", async () => {
    const { dir } = await imported(fixture("outlook-com", "contacts.csv"), 2);
    const amelie = await byName(dir, "Amélie Durand");
    expect(amelie).toMatchObject({ email: "amelie@atelier-durand.example", phone: "+33 6 55 50 10 10", company: "Atelier Durand", title: "Gérante" });
    expect(amelie.fields).toEqual({
      "name prefix": "Mme",
      nickname: "Mimi",
      department: "Direction",
      "email 2": "amelie.durand@perso.example",
      "phone label": "mobile",
      "phone 2": "+33 1 55 50 10 20",
      "phone 2 label": "work",
      "phone 3": "+33 1 55 50 10 21",
      "phone 3 label": "work fax",
      address: "8 rue des Tanneurs, Lyon, 69001, France",
      "address label": "work",
      "address 2": "22 quai Saint-Vincent, Lyon, 69001, France",
      "address 2 label": "home",
      website: "https://atelier-durand.example",
    });
    expect((await byName(dir, "Ravi Shankar")).fields).toMatchObject({ address: "Kolkata, India", "address label": "work" });
  });

  it("Outlook desktop: every column quoted, BOM, Street 2 joined, 0/0/00 dates, Unspecified gender and Normal/SMTP noise dropped", async () => {
    const { dir } = await imported(fixture("outlook-desktop", "contacts.csv"), 2);
    const kwame = await byName(dir, "Kwame Asante");
    expect(kwame).toMatchObject({ email: "kwame@asante-cocoa.example", phone: "+233 24 555 0102", tags: ["Clients", "Cocoa"] });
    expect(kwame.fields).toEqual({
      "name prefix": "Mr.",
      "name suffix": "Jr.",
      department: "Exports",
      "phone label": "mobile",
      "phone 2": "+233 30 555 0101",
      "phone 2 label": "work",
      "phone 3": "+233 30 555 0103",
      "phone 3 label": "work fax",
      address: "14 Independence Avenue, Suite 3, Accra, GA-123, Ghana",
      "address label": "work",
      website: "https://asante-cocoa.example",
    });
    expect((await byName(dir, "Hana Nováková")).fields).toMatchObject({ address: "Vinohradská 12, Praha, 120 00, Czech Republic", "address label": "home" });
  });

  it("HubSpot: Associated Company as the company, its other columns kept as fields", async () => {
    const { dir } = await imported(fixture("hubspot", "hubspot-crm-exports-all-contacts-2026-11-02.csv"), 2);
    const yuki = await byName(dir, "Yuki Tanaka");
    expect(yuki).toMatchObject({ email: "yuki@tanaka-ceramics.example", phone: "+81 3 5550 0101", company: "Tanaka Ceramics" });
    expect(yuki.fields).toMatchObject({ "Record ID": "101", "Lead Status": "Open", "Contact owner": "Sam Owner" });
  });

  it("LinkedIn Connections: the Notes preamble skipped, the profile URL kept as the LinkedIn profile, contacts without email kept", async () => {
    const { dir, stderr } = await imported(fixture("linkedin", "Connections.csv"), 3);
    expect(stderr).toMatch(/LinkedIn/);
    const priya = await byName(dir, "Priya Raman");
    expect(priya).toMatchObject({ email: "priya@raman-analytics.example", company: "Raman Analytics", title: "Founder, Data Strategy" });
    expect(priya.fields).toEqual({ "profile linkedin": "https://www.linkedin.com/in/priya-raman-0a1b2c", "connected on": "07 Dec 2025" });
    expect(await byName(dir, "Mateo García")).toMatchObject({ email: null, company: "Olivar Foods", title: "Buyer" });
  });

  it("Thunderbird: Primary/Secondary Email, Mobile Number first, Birth Year/Month/Day as one birthday (--MM-DD without a year)", async () => {
    const { dir } = await imported(fixture("thunderbird", "thunderbird.csv"), 2);
    const greta = await byName(dir, "Greta Lindqvist");
    expect(greta).toMatchObject({ email: "greta@lindqvist-design.example", phone: "+46 70 555 01 20", company: "Lindqvist Design AB", title: "Art Director" });
    expect(greta.fields).toEqual({
      "email 2": "greta.l@post.example",
      "phone label": "mobile",
      "phone 2": "+46 8 555 012 00",
      "phone 2 label": "work",
      address: "Götgatan 14, Stockholm, 118 46, Sweden",
      "address label": "work",
      birthday: "1986-04-23",
      department: "Studio",
      nickname: "Gigi",
      website: "https://lindqvist-design.example",
      "website 2": "https://portfolio.example/greta",
    });
    expect((await byName(dir, "Bruno Costa")).fields).toEqual({ birthday: "--12-01", "phone label": "home", "Custom 1": "newsletter" });
  });
});
