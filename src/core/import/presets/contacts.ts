// Address books' CSV exports. Their columns are read by the contacts import itself (names, emails and
// phones with their labels, address parts joined, Birth Year/Month/Day, custom fields): a preset here
// says which export a header is, for `crm import presets`, `--preset` and the import's summary, keeps
// every column (keepColumns), and renames the few a service uses in its own way (LinkedIn's URL is the
// person's profile). Fixtures: test/fixtures/imports/<name>/.
import type { Preset } from "./preset.js";

const contacts = (p: Omit<Preset, "kind" | "columns" | "keepColumns"> & Partial<Pick<Preset, "columns">>): Preset => ({
  kind: "contacts",
  columns: {},
  keepColumns: true,
  ...p,
});

const NOISE = "phonetic/Yomi names, Photo, File As, Initials, empty label columns";

export const googleContacts = contacts({
  name: "google-contacts",
  title: "Google Contacts export (contacts.google.com → Export → Google CSV)",
  documented: 'Google Contacts Help, "Export Google Contacts"; header as in test/fixtures/imports/google-contacts/README.md',
  signature: ["First Name", "Last Name", "File As", "Organization Name", "Labels"],
  keeps:
    "names, every E-mail/Phone N - Value with its - Label (work, home, mobile), Address N - Formatted with its label, Organization Name/Title/Department, Birthday (--MM-DD without a year), Nickname, Website, Notes, Labels as tags, Custom Field N by its label",
  skips: `${NOISE}; system groups (* myContacts, * starred) as tags`,
});

export const googleContactsLegacy = contacts({
  name: "google-contacts-legacy",
  title: "Google Contacts export, older layout (Google CSV with Name, Given Name, Group Membership)",
  documented:
    "the Google CSV header written by Google Contacts before 2021, as open-source importers quote it (test/fixtures/imports/google-contacts-legacy/README.md)",
  signature: ["Name", "Given Name", "Family Name", "Group Membership"],
  keeps:
    "Name (else Given/Additional/Family Name), E-mail/Phone N - Value with its - Type, Address N - Formatted, Organization 1 - Name/Title/Department, Birthday, Notes, Group Membership as tags, other non-empty columns as fields",
  skips: `${NOISE}; Organization 1 - Type/Yomi Name; system groups (* My Contacts)`,
});

export const outlookCom = contacts({
  name: "outlook-com",
  title: "Outlook.com people export (outlook.live.com → People → Manage → Export contacts, CSV)",
  documented: 'Microsoft Support, "Export contacts from Outlook.com to a CSV file"; header in test/fixtures/imports/outlook-com/README.md',
  signature: ["First Name", "Last Name", "E-mail Address", "Given Yomi", "Surname Yomi", "Business Street", "Home Street"],
  keeps:
    "names, Title as the name prefix, E-mail/E-mail 2/E-mail 3 Address, Mobile/Business/Home/Other/Car phones and faxes with their labels, Business/Home/Other Street, City, State, Postal Code, Country/Region joined into one address each, Company, Department, Job Title, Web Page, Birthday, Anniversary, Notes",
  skips: "Given/Surname/Company Yomi, empty columns",
});

export const outlookDesktop = contacts({
  name: "outlook",
  title: "Outlook desktop export (File → Open & Export → Import/Export → Export to a file → Comma Separated Values)",
  documented: 'Microsoft Support, "Export contacts from Outlook"; header in test/fixtures/imports/outlook-desktop/README.md',
  signature: ["First Name", "Last Name", "E-mail Address", "E-mail Type", "E-mail Display Name", "Business Street"],
  keeps:
    "names, Title (Mr., Dr.) as the name prefix, Suffix, E-mail/E-mail 2/E-mail 3 Address, phones and faxes with their labels, Business/Home/Other Street, Street 2, Street 3, City, State, Postal Code, Country/Region joined into one address each, Company, Department, Job Title, Web Page, Birthday, Categories as tags, Notes, other non-empty columns as fields",
  skips: "E-mail Type (SMTP) and Display Name, Priority/Sensitivity Normal, Private, Initials, Gender Unspecified, empty dates 0/0/00",
});

export const hubspotContacts = contacts({
  name: "hubspot",
  title: "HubSpot contacts export (Contacts → Export view, CSV)",
  documented: 'HubSpot Knowledge Base, "Export records"; the default view\'s header in test/fixtures/imports/hubspot/README.md',
  signature: ["Record ID", "First Name", "Last Name", "Email"],
  keeps:
    "First/Last Name, Email, Phone Number and Mobile Phone Number, Company Name or Associated Company, Job Title, and every other column (Record ID, Lead Status, Contact owner…) as a field",
  skips: "empty columns",
});

export const linkedinConnections = contacts({
  name: "linkedin",
  title: "LinkedIn connections (Settings → Data privacy → Get a copy of your data → Connections.csv)",
  documented: 'LinkedIn Help, "Download your account data"; the Connections.csv preamble and header in test/fixtures/imports/linkedin/README.md',
  signature: ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
  columns: { "field:profile linkedin": "URL", "field:connected on": "Connected On" },
  keeps: "First/Last Name, Email Address (when the connection shares it), Company, Position as the title, URL as the LinkedIn profile, Connected On",
  skips: "the Notes preamble before the header; nothing else",
});

export const thunderbirdContacts = contacts({
  name: "thunderbird",
  title: "Thunderbird address book export (Address Book → Tools → Export → CSV)",
  documented: "the header Thunderbird writes, as open-source importers quote it (test/fixtures/imports/thunderbird/README.md)",
  signature: ["First Name", "Last Name", "Display Name", "Primary Email", "Secondary Email", "Mobile Number", "Birth Year", "Birth Month", "Birth Day"],
  keeps:
    "Display Name (else First/Last Name), Nickname, Primary then Secondary Email, Mobile Number then Work/Home Phone, Fax and Pager Number with their labels, Home/Work Address, Address 2, City, State, ZipCode, Country joined into one address each, Organization, Department, Job Title, Web Page 1 and 2, Birth Year/Month/Day as one birthday (--MM-DD without a year), Custom 1–4, Notes",
  skips: "Screen Name when empty, empty columns",
});
