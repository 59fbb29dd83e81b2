// Form tools' downloads of survey answers. Each heads a column with each question's text, so the
// responses import finds the score, the comment and the email by their question (../responses.ts);
// a preset says which download a header is, how it writes dates, which column is the answer's own id
// and time, and which rows are no answer (Typeform's partial responses). Respondents unknown to crm
// become contacts. Fixtures: test/fixtures/imports/<name>/.
import type { Preset } from "./preset.js";

const KEEPS = "the score (the question asking for one: recommend, likely, rate, satisfied…), the comment (the open question after it), the respondent by email";

export const googleForms: Preset = {
  name: "google-forms",
  kind: "responses",
  title: "Google Forms responses (Responses → Download responses (.csv), or the responses Sheet → File → Download → CSV)",
  documented: 'Google Docs Editors Help, "View & manage form responses"; layout in test/fixtures/imports/google-forms/README.md',
  signature: ["Timestamp"],
  columns: { date: "Timestamp" },
  keepColumns: true,
  // Forms writes 2026/10/05 9:14:03 AM GMT+2; a Sheet downloads its own format, 10/5/2026 9:14:03 in
  // the default (US) locale, in the sheet's time zone: month first.
  dates: { order: "mdy" },
  createContacts: true,
  keeps: `${KEEPS}, the Timestamp as when they answered`,
  skips: "answers without an email address (the form did not collect it), answers already imported (same person and Timestamp)",
};

export const googleSheets: Preset = {
  ...googleForms,
  name: "google-sheets",
  title: "Google Sheets download of a form's responses (File → Download → Comma-separated values)",
  documented: 'Google Docs Editors Help, "Download a file"; layout in test/fixtures/imports/google-sheets/README.md',
  keeps: `${KEEPS}, the Timestamp (month first, the sheet's local time) as when they answered`,
};

export const typeform: Preset = {
  name: "typeform",
  kind: "responses",
  title: "Typeform responses download (Results → Responses → Download all responses, CSV)",
  documented: 'Typeform Help Center, "Download your data"; layout in test/fixtures/imports/typeform/README.md',
  signature: ["Submit Date (UTC)", "Network ID"],
  columns: { id: "#", date: "Submit Date (UTC)" },
  keepColumns: true,
  dates: { utc: true },
  createContacts: true,
  keeps: `${KEEPS}, the # as the answer's id, Submit Date (UTC) as when they answered`,
  skips: "partial responses (never submitted), answers without an email, answers already imported (same #)",
  transform(fields, cell) {
    if (cell("Response Type")?.toLowerCase() === "partial" || !fields.date) return "a partial response, never submitted";
    return fields;
  },
};
